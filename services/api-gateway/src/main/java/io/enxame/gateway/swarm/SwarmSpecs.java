package io.enxame.gateway.swarm;

import io.enxame.gateway.json.JsonMerge;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A swarm update's Spec. moby merges the request onto the stored spec (fields the client left out
 * keep their value) and swarmkit then checks the durations it cares about. External CAs are refused: Enxame's CA
 * always signs itself. A root given to rotate to is taken out before ({@link SigningRoot}).
 */
public final class SwarmSpecs {
  private SwarmSpecs() {}

  static final String EXTERNAL_CAS = "external CAs are not supported by Enxame (--external-ca): the swarm's own CA signs"
      + " every node certificate; to bring your own root, give its key too: docker swarm ca --rotate --ca-cert --ca-key";

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
    if (Json.at(spec, "CAConfig.ExternalCAs") instanceof JsonArray cas && !cas.isEmpty()) throw Failures.badRequest(EXTERNAL_CAS);
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
}
