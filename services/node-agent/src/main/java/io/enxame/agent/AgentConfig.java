package io.enxame.agent;

import io.enxame.shared.net.HostPort;
import io.enxame.shared.tls.NodeTls;
import java.util.Optional;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.nio.file.Path;

/**
 * The agent's configuration, read once from the verticle config:
 * {"nodeId", "dispatcher": "host:port", "advertiseAddr", "dockerHost", "dockerApiVersion", "filesDir", "tls", "managersFile"}.
 * {@code filesDir} (default {@code /dev/shm/enxame/<nodeId>}) must be on a tmpfs: tasks' secrets and configs are
 * written there. {@code tls}: the node's certificates, see {@link NodeTls}; without it the session is plaintext,
 * for tests on loopback. {@code managersFile}: where the agent keeps the managers' dispatchers it last heard of, so
 * that a restart can reach another one when the configured manager is gone (none: the configured one only).
 */
public record AgentConfig(String nodeId, SocketAddress dispatcher, String advertiseAddr, String dockerHost, String dockerApiVersion,
                          Path filesDir, Optional<NodeTls> tls, Optional<Path> managersFile) {
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
  public static final int DEFAULT_DISPATCHER_PORT = 2377;

  public static AgentConfig fromJson(JsonObject json) {
    String nodeId = json.getString("nodeId");
    if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("node-agent config: nodeId is required");
    return new AgentConfig(nodeId, address(json.getString("dispatcher", "127.0.0.1:" + DEFAULT_DISPATCHER_PORT)),
        json.getString("advertiseAddr", "127.0.0.1"), json.getString("dockerHost", DEFAULT_DOCKER_HOST),
        json.getString("dockerApiVersion", io.enxame.agent.exec.DockerRuntime.DEFAULT_API_VERSION),
        Path.of(json.getString("filesDir", "/dev/shm/enxame/" + nodeId)),
        NodeTls.fromConfig(json.getJsonObject("tls")),
        Optional.ofNullable(json.getString("managersFile")).map(Path::of));
  }

  static SocketAddress address(String hostPort) { return HostPort.parse(hostPort, DEFAULT_DISPATCHER_PORT).socketAddress(); }
}
