package io.enxame.gateway.services;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Times;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The service object that an update or a rollback produces, following swarmkit's UpdateService rules. */
public final class ServiceUpdate {
  private ServiceUpdate() {}

  /**
   * @param current the stored service
   * @param newSpec the normalized spec from the request, or null for {@code rollback=previous}
   * @param version the {@code version=} the client read, which a job's new iteration is numbered by
   * @param others  every other service (for ingress port allocation)
   */
  public static JsonObject next(JsonObject current, JsonObject newSpec, long version, List<JsonObject> others) {
    JsonObject oldSpec = Json.objectOrEmpty(current, "Spec");
    JsonObject spec = newSpec != null ? newSpec : previousSpec(current);
    if (!Objects.equals(spec.getString("Name"), oldSpec.getString("Name"))) {
      throw Failures.badRequest("renaming services is not supported");
    }
    if (!ServiceSpecs.modeName(spec).equals(ServiceSpecs.modeName(oldSpec))) {
      throw Failures.badRequest("service mode change is not allowed");
    }
    JsonObject next = current.copy();
    next.put("Spec", spec.copy());
    next.put("PreviousSpec", oldSpec.copy());
    if (newSpec == null) {
      // As swarmkit: the scheduler rolls the previous spec out with the rollback config.
      next.put("UpdateStatus", new JsonObject().put("State", "rollback_started")
          .put("Message", "manually requested rollback").put("StartedAt", Times.format(Instant.now())));
    } else {
      next.remove("UpdateStatus"); // the orchestrator reports the update's progress from here on
    }
    next.put("Endpoint", Endpoints.allocate(spec, current.getJsonObject("Endpoint"), others));
    if (ServiceSpecs.isJob(spec)) next.put("JobStatus", jobStatus(version));
    else next.remove("JobStatus");
    return next;
  }

  /** A job runs again on every change; its tasks carry the iteration (swarmkit numbers it by version). */
  public static JsonObject jobStatus(long iteration) {
    return new JsonObject().put("JobIteration", new JsonObject().put("Index", iteration))
        .put("LastExecution", Times.format(Instant.now()));
  }

  private static JsonObject previousSpec(JsonObject current) {
    JsonObject previous = current.getJsonObject("PreviousSpec");
    if (previous == null) throw Failures.badRequest("service " + current.getString("ID") + " does not have a previous spec");
    return previous;
  }
}
