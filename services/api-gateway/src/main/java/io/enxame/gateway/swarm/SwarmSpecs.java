package io.enxame.gateway.swarm;

import io.enxame.gateway.json.JsonMerge;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

/**
 * A swarm update's Spec. moby merges the request onto the stored spec (fields the client left out
 * keep their value) and swarmkit then checks the durations it cares about.
 */
public final class SwarmSpecs {
  private SwarmSpecs() {}

  static final long MIN_NODE_CERT_EXPIRY = 3_600_000_000_000L; // 1h, swarmkit's ca.MinNodeCertExpiration

  public static JsonObject merge(JsonObject requested, JsonObject current) {
    JsonObject spec = JsonMerge.under(requested.copy(), current == null ? new JsonObject() : current);
    Object expiry = Json.at(spec, "CAConfig.NodeCertExpiry");
    if (expiry != null && (!(expiry instanceof Number n) || n.longValue() < MIN_NODE_CERT_EXPIRY)) {
      throw Failures.badRequest("minimum certificate expiry time is: 1h0m0s");
    }
    Object heartbeat = Json.at(spec, "Dispatcher.HeartbeatPeriod");
    if (heartbeat != null && (!(heartbeat instanceof Number n) || n.longValue() < 0)) {
      throw Failures.badRequest("heartbeat time period cannot be a negative duration");
    }
    if (!blank(Json.at(spec, "CAConfig.SigningCACert")) || !blank(Json.at(spec, "CAConfig.SigningCAKey"))) {
      throw Failures.badRequest("rotating to a given root CA certificate and key (--ca-cert, --ca-key) is not supported by"
          + " Enxame: use docker swarm ca --rotate without them to make a new root");
    }
    Object history = Json.at(spec, "Orchestration.TaskHistoryRetentionLimit");
    if (history != null && !(history instanceof Number)) {
      throw Failures.badRequest("invalid Orchestration.TaskHistoryRetentionLimit: " + history);
    }
    return spec;
  }

  /** {@code docker swarm ca --rotate} raises {@code CAConfig.ForceRotate} by one (swarmkit rotates on any change). */
  static boolean forcesRootRotation(JsonObject current, JsonObject next) {
    return forceRotate(current) != forceRotate(next);
  }

  private static long forceRotate(JsonObject spec) {
    Object value = spec == null ? null : Json.at(spec, "CAConfig.ForceRotate");
    return value instanceof Number n ? n.longValue() : 0;
  }

  private static boolean blank(Object value) {
    return value == null || value.toString().isEmpty();
  }
}
