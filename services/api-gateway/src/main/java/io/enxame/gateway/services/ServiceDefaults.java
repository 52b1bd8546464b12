package io.enxame.gateway.services;

import io.enxame.gateway.json.JsonMerge;
import io.vertx.core.json.JsonObject;

/**
 * {@code insertDefaults=true}: swarmkit's default ServiceSpec (api/defaults/service.go) merged
 * under the stored one, field by field, so that nothing the user set is overwritten.
 */
public final class ServiceDefaults {
  private ServiceDefaults() {}

  private static final long SECOND = 1_000_000_000L;

  private static JsonObject updateConfig() {
    return new JsonObject().put("Parallelism", 1).put("FailureAction", "pause").put("Monitor", 5 * SECOND)
        .put("MaxFailureRatio", 0).put("Order", "stop-first");
  }

  private static JsonObject defaults() {
    return new JsonObject()
        .put("TaskTemplate", new JsonObject()
            .put("ContainerSpec", new JsonObject().put("StopGracePeriod", 10 * SECOND))
            .put("Resources", new JsonObject().put("Limits", new JsonObject()).put("Reservations", new JsonObject()))
            .put("RestartPolicy", new JsonObject().put("Condition", "any").put("Delay", 5 * SECOND).put("MaxAttempts", 0))
            .put("Placement", new JsonObject()))
        .put("UpdateConfig", updateConfig())
        .put("RollbackConfig", updateConfig())
        .put("EndpointSpec", new JsonObject().put("Mode", "vip"));
  }

  /** A copy of {@code spec} with every absent default filled in. */
  public static JsonObject insert(JsonObject spec) {
    JsonObject s = spec.copy();
    JsonMerge.under(s, defaults());
    JsonObject endpoint = s.getJsonObject("EndpointSpec");
    if ("".equals(endpoint.getString("Mode"))) endpoint.put("Mode", "vip"); // stack deploy sends an empty mode
    return s;
  }
}
