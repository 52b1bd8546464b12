package io.enxame.scheduler.orchestrator;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.Tasks;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

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

  /** Restarts within the window so far leave room for another (the dead task's own start counts as the first run). */
  boolean withinMaxAttempts(List<JsonObject> history, Instant now) {
    if (maxAttempts <= 0) return true;
    Instant since = window.isZero() ? Instant.MIN : now.minus(window);
    long runs = history.stream()
        .filter(t -> Tasks.observed(t).isTerminal() && !RollingUpdate.createdAt(t).isBefore(since))
        .count();
    return runs - 1 < maxAttempts;
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
