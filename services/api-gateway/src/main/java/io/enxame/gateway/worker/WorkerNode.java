package io.enxame.gateway.worker;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** What a worker's Docker API shows of its node: the node's process (its agent, its managers file) tells it. */
public interface WorkerNode {
  /** The node as its node object would show it: {@code ID}, {@code Description} (the engine), {@code Status.Addr}. */
  JsonObject self();

  /** The node's tasks as its agent last saw them: {@code NodeID}, {@code Status.State}, {@code Status.ContainerStatus.ContainerID}. */
  Future<List<JsonObject>> tasks();

  /** The managers' dispatchers the node knows of, "host:port". */
  Future<List<String>> managers();
}
