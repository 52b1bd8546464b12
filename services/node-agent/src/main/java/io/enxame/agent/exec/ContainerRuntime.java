package io.enxame.agent.exec;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The narrow boundary between the agent and a container engine. Every call is asynchronous and completes
 * on the caller's context, so task controllers stay on the event loop; {@link DockerRuntime} is the real
 * implementation, tests use an in-memory one.
 */
public interface ContainerRuntime {

  /** Docker's NodeDescription of this engine: Hostname, Platform, Resources, Engine. */
  Future<JsonObject> describe();

  Future<Boolean> hasImage(String image);

  Future<Void> pull(String image);

  /**
   * Creates (does not start) a container and returns its id, making the engine networks it joins first when they
   * are missing. Fails with {@link RuntimeFailure}.
   */
  Future<String> create(ContainerSpec spec);

  /**
   * Removes the engine networks made for these swarm networks, each only if no container is on it any more (other
   * nodes may share this engine); failures are not reported.
   */
  Future<Void> removeNetworks(Set<String> swarmIds);

  Future<Void> start(String containerId);

  /** Stops gracefully (stop signal, then SIGKILL after the timeout); a stopped or missing container is fine. */
  Future<Void> stop(String containerId, int timeoutSeconds);

  /** Force-removes a container and its anonymous volumes; a missing container is fine. */
  Future<Void> remove(String containerId);

  /** Empty when the container does not exist. */
  Future<Optional<ContainerInfo>> inspect(String containerId);

  /** All containers, stopped ones included, carrying every one of these labels. */
  Future<List<ContainerRef>> list(Map<String, String> labels);

  /**
   * Streams die, destroy and health_status events of containers carrying these labels. {@code onEnd} is
   * called once if the stream breaks or ends by itself, never after {@link Subscription#close()}.
   */
  Future<Subscription> events(Map<String, String> labels, Handler<RuntimeEvent> onEvent, Handler<Throwable> onEnd);

  /**
   * Streams a container's log to {@code sink} from a reading thread of the runtime's own. Fails the
   * returned future only if the read cannot be started; a missing container ends the sink with a failure.
   */
  default Future<Subscription> logs(String containerId, LogQuery query, LogSink sink) {
    return Future.failedFuture(new UnsupportedOperationException("this container runtime cannot read logs"));
  }

  Future<Void> close();

  /** An open event stream. */
  interface Subscription {
    Future<Void> close();
  }
}
