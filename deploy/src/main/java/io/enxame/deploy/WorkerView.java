package io.enxame.deploy;

import io.enxame.agent.NodeAgentVerticle;
import io.enxame.gateway.worker.WorkerNode;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.net.HostPort;
import io.enxame.shared.net.ManagersFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/** What a worker's Docker API shows of its node: its agent's engine and tasks, and the managers in its managers file. */
record WorkerView(Vertx vertx, String nodeId, String addr, NodeAgentVerticle agent, Path managersFile) implements WorkerNode {
  @Override
  public JsonObject self() {
    return new JsonObject().put("ID", nodeId).put("Description", agent.description()).put("Status", new JsonObject().put("Addr", addr));
  }

  @Override
  public Future<List<JsonObject>> tasks() {
    // Read on the agent's event loop; the answer comes back on the caller's.
    return Future.fromCompletionStage(agent.taskStatuses().toCompletionStage(), vertx.getOrCreateContext())
        .map(statuses -> statuses.stream().map(this::task).toList());
  }

  private JsonObject task(TaskStatus s) {
    return new JsonObject().put("ID", s.getTaskId()).put("NodeID", nodeId).put("Status", new JsonObject().put("State", s.getState())
        .put("ContainerStatus", new JsonObject().put("ContainerID", s.getContainerId())));
  }

  @Override
  public Future<List<String>> managers() {
    return ManagersFile.read(vertx, managersFile).map(list -> list.stream().map(a -> new HostPort(a.host(), a.port()).toString()).toList());
  }
}
