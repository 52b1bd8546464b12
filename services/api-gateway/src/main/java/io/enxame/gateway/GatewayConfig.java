package io.enxame.gateway;

import io.vertx.core.json.JsonObject;

/** The gateway's configuration: where to listen and which node it speaks for. */
public record GatewayConfig(String host, int port, String nodeId) {

  public static GatewayConfig fromJson(JsonObject json) {
    String nodeId = json.getString("nodeId");
    if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("gateway config needs a nodeId");
    return new GatewayConfig(json.getString("host", "127.0.0.1"), json.getInteger("port", 2375), nodeId);
  }
}
