package io.enxame.scheduler.orchestrator;

import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Times;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/** New task objects, Docker-shaped: the task's Spec is a copy of the service's task template. */
final class TaskFactory {
  private TaskFactory() {}

  static JsonObject newTask(JsonObject service, long slot, String desiredState, Instant now) {
    JsonObject spec = service.getJsonObject("Spec");
    return new JsonObject()
        .put("ID", Ids.newId())
        .put("Labels", new JsonObject())
        .put("Spec", Json.objectOrEmpty(spec, "TaskTemplate").copy())
        .put("SpecVersion", new JsonObject().put("Index", Json.version(service)))
        .put("ServiceID", service.getString("ID"))
        .put("Slot", slot)
        .put("NodeID", "")
        .put("ServiceAnnotations", new JsonObject()
            .put("Name", spec.getString("Name"))
            .put("Labels", spec.getJsonObject("Labels", new JsonObject()).copy()))
        // As swarmkit's tasks: the service's endpoint when the task was made (the agent binds its host-mode ports).
        .put("Endpoint", Json.objectOrEmpty(service, "Endpoint").copy())
        .put("Status", status("new", "created", null, now))
        .put("DesiredState", desiredState);
  }

  static JsonObject status(String state, String message, String err, Instant now) {
    JsonObject s = new JsonObject().put("Timestamp", Times.format(now)).put("State", state).put("Message", message);
    if (err != null) s.put("Err", err);
    return s;
  }
}
