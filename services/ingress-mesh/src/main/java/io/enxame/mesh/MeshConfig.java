package io.enxame.mesh;

import io.enxame.shared.net.HostPort;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The mesh's configuration, read once from the verticle config: {"nodeId", "dispatcher": "host:port",
 * "advertiseAddr" (where other nodes' meshes reach this one), "bindHost" (published ports listen there,
 * default 0.0.0.0), "internalPort" (flows from other meshes, default 0: any free port), "ioThreads"
 * (default: one per core), "tls" (the node's certificates, as the node-agent's: see {@link NodeTls}; without it
 * the routes stream is plaintext, for tests on loopback), "managersFile" (the managers' dispatchers the node's agent
 * last heard of: where the routes stream turns when its manager goes away), "metricsAddr" ("host:port" where
 * {@code GET /metrics} serves the counters to Prometheus; none when absent)}.
 */
public record MeshConfig(String nodeId, String dispatcherHost, int dispatcherPort, String advertiseAddr, String bindHost,
    int internalPort, int ioThreads, Optional<NodeTls> tls, Optional<Path> managersFile, Optional<HostPort> metricsAddr) {
  public static final int DEFAULT_DISPATCHER_PORT = 2377;

  public static MeshConfig fromJson(JsonObject json) {
    String nodeId = json.getString("nodeId");
    if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("ingress-mesh config: nodeId is required");
    HostPort dispatcher = HostPort.parse(json.getString("dispatcher", "127.0.0.1:" + DEFAULT_DISPATCHER_PORT), DEFAULT_DISPATCHER_PORT);
    return new MeshConfig(nodeId, dispatcher.host(), dispatcher.port(), json.getString("advertiseAddr", "127.0.0.1"), json.getString("bindHost", "0.0.0.0"),
        json.getInteger("internalPort", 0), json.getInteger("ioThreads", Runtime.getRuntime().availableProcessors()),
        NodeTls.fromConfig(json.getJsonObject("tls")), Optional.ofNullable(json.getString("managersFile")).map(Path::of),
        Optional.ofNullable(json.getString("metricsAddr")).map(HostPort::parse));
  }
}
