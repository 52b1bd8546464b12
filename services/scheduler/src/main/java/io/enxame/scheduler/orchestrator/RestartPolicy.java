package io.enxame.scheduler.orchestrator;

import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/** A task template's RestartPolicy with Swarm's defaults: condition any, delay 5 s, no attempt limit, no window. */
record RestartPolicy(String condition, Duration delay, long maxAttempts, Duration window) {

  static RestartPolicy of(JsonObject service) {
    JsonObject p = Json.objectOrEmpty(service, "Spec.TaskTemplate.RestartPolicy");
    String condition = p.getString("Condition", "any");
    return new RestartPolicy(
        condition.isEmpty() ? "any" : condition,
        Duration.ofNanos(p.getLong("Delay", 5_000_000_000L)),
        p.getLong("MaxAttempts", 0L),
        Duration.ofNanos(p.getLong("Window", 0L)));
  }

  /** Whether a task that ended in {@code exitState} ("complete", "failed", ...) is replaced. */
  boolean restartsAfter(String exitState) {
    return switch (condition) {
      case "none" -> false;
      case "on-failure" -> !"complete".equals(exitState);
      default -> true;
    };
  }
}
