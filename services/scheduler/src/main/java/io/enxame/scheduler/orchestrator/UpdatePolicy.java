package io.enxame.scheduler.orchestrator;

import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * A service's UpdateConfig (or RollbackConfig while rolling back) with swarmkit's defaults:
 * parallelism 1 (0 = all at once), no delay, pause on failure, monitor 5 s, no failure tolerated,
 * stop-first.
 */
record UpdatePolicy(long parallelism, Duration delay, String failureAction, Duration monitor,
                    double maxFailureRatio, boolean startFirst) {

  static UpdatePolicy of(JsonObject service, boolean rollback) {
    JsonObject c = Json.objectOrEmpty(service, rollback ? "Spec.RollbackConfig" : "Spec.UpdateConfig");
    String action = c.getString("FailureAction", "");
    return new UpdatePolicy(
        c.getLong("Parallelism", 1L),
        Duration.ofNanos(c.getLong("Delay", 0L)),
        action.isEmpty() ? "pause" : action,
        Duration.ofNanos(c.getLong("Monitor", 0L) > 0 ? c.getLong("Monitor") : 5_000_000_000L),
        c.getDouble("MaxFailureRatio", 0.0),
        "start-first".equals(c.getString("Order")));
  }
}
