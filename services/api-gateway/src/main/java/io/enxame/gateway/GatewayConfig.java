package io.enxame.gateway;

import io.enxame.shared.tls.NodeTls;
import java.util.Optional;

import io.vertx.core.json.JsonObject;

/**
 * The gateway's configuration: where to listen and which node it speaks for; with {@code "tls"} ({@link NodeTls}
 * paths) also {@code "tlsPort"} (2376) with client certificates from the swarm's CA, like dockerd's {@code --tlsverify}.
 */
public record GatewayConfig(String host, int port, String nodeId, Optional<NodeTls> tls, int tlsPort) {

  public static GatewayConfig fromJson(JsonObject json) {
    String nodeId = json.getString("nodeId");
    if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("gateway config needs a nodeId");
    return new GatewayConfig(json.getString("host", "127.0.0.1"), json.getInteger("port", 2375), nodeId,
        NodeTls.fromConfig(json.getJsonObject("tls")), json.getInteger("tlsPort", 2376));
  }
}
