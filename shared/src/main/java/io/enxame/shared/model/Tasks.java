package io.enxame.shared.model;

import io.vertx.core.json.JsonObject;

/** Facts about task objects that the gateway, the scheduler and the agent must agree on. */
public final class Tasks {
  private Tasks() {}

  /** A task is up to date when it was made from the service's current task template (ForceUpdate included). */
  public static boolean isUpToDate(JsonObject task, JsonObject service) {
    JsonObject template = Json.objectOrEmpty(service, "Spec.TaskTemplate");
    return template.equals(Json.objectOrEmpty(task, "Spec"));
  }

  /** Swarm's task name: {@code web.1.<task id>}, or {@code web.<node id>.<task id>} for slot-less (global) tasks. */
  public static String name(JsonObject task) {
    String service = Json.string(task, "ServiceAnnotations.Name");
    long slot = task.getLong("Slot", 0L);
    String middle = slot > 0 ? Long.toString(slot) : task.getString("NodeID", "");
    return service + "." + middle + "." + task.getString("ID");
  }

  public static TaskState observed(JsonObject task) {
    return TaskState.fromWire(Json.string(task, "Status.State")).orElse(TaskState.NEW);
  }

  public static TaskState desired(JsonObject task) {
    return TaskState.fromWire(task.getString("DesiredState")).orElse(TaskState.RUNNING);
  }
}
