package io.enxame.gateway.services;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;

/**
 * {@code ServiceStatus} for {@code GET /services?status=true}, counted as swarmkit's ListServiceStatuses:
 * running tasks are observed running (and not being shut down); desired is the replica count (a replicated job: MaxConcurrent), and for
 * the global modes the tasks desired running (global) or desired complete and not complete yet (global job);
 * a job counts only the tasks of its current iteration, and of those the completed ones.
 */
public final class ServiceStatus {
  private ServiceStatus() {}

  /** @param tasks the service's own tasks */
  public static JsonObject of(JsonObject service, List<JsonObject> tasks) {
    JsonObject spec = Json.objectOrEmpty(service, "Spec");
    String mode = ServiceSpecs.modeName(spec);
    Long iteration = Json.number(service, "JobStatus.JobIteration.Index");
    List<JsonObject> counted = iteration == null ? tasks
        : tasks.stream().filter(t -> Objects.equals(Json.number(t, "JobIteration.Index"), iteration)).toList();
    // Not those being shut down (a scale-down's last moments), so the count does not flicker above the spec.
    long running = counted.stream().filter(t -> Tasks.observed(t) == TaskState.RUNNING && Tasks.desired(t).rank() <= TaskState.COMPLETE.rank()).count();
    long completed = iteration == null ? 0 : counted.stream().filter(t -> Tasks.observed(t) == TaskState.COMPLETE).count();
    long desired = switch (mode) {
      case "replicated" -> orZero(Json.number(spec, "Mode.Replicated.Replicas"));
      case "replicated-job" -> orZero(Json.number(spec, "Mode.ReplicatedJob.MaxConcurrent"));
      default -> counted.stream().filter(t -> Tasks.desired(t) == TaskState.RUNNING
          || Tasks.desired(t) == TaskState.COMPLETE && Tasks.observed(t) != TaskState.COMPLETE).count();
    };
    return new JsonObject().put("RunningTasks", running).put("DesiredTasks", desired).put("CompletedTasks", completed);
  }

  private static long orZero(Long n) { return n == null ? 0 : n; }
}
