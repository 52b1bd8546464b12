package io.enxame.gateway.services;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * {@code ServiceStatus} for {@code GET /services?status=true}, counted as moby does: running means
 * desired and observed running; desired is the replica count, or the eligible nodes for global modes.
 */
public final class ServiceStatus {
  private ServiceStatus() {}

  /** @param tasks the service's own tasks; @param nodes every node */
  public static JsonObject of(JsonObject service, List<JsonObject> tasks, List<JsonObject> nodes) {
    JsonObject spec = Json.objectOrEmpty(service, "Spec");
    long running = tasks.stream()
        .filter(t -> Tasks.observed(t) == TaskState.RUNNING && Tasks.desired(t) == TaskState.RUNNING).count();
    long completed = tasks.stream().filter(t -> Tasks.observed(t) == TaskState.COMPLETE).count();
    long desired = switch (ServiceSpecs.modeName(spec)) {
      case "replicated" -> orZero(Json.number(spec, "Mode.Replicated.Replicas"));
      case "replicated-job" -> orZero(Json.number(spec, "Mode.ReplicatedJob.MaxConcurrent"));
      default -> nodes.stream().filter(ServiceStatus::eligible).count();
    };
    return new JsonObject().put("RunningTasks", running).put("DesiredTasks", desired).put("CompletedTasks", completed);
  }

  /** A node that global services run on: ready and not drained. */
  static boolean eligible(JsonObject node) {
    return "ready".equals(Json.string(node, "Status.State")) && !"drain".equals(Json.string(node, "Spec.Availability"));
  }

  private static long orZero(Long n) { return n == null ? 0 : n; }
}
