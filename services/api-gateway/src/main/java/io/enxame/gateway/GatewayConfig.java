package io.enxame.gateway;

import io.enxame.shared.tls.NodeTls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

import io.vertx.core.json.JsonObject;

/**
 * The gateway's configuration: where to listen and which node it speaks for. {@code "host"} is the node's advertised
 * address; plaintext {@code "port"} (2375) listens on loopback only ({@link #plaintextHost}); with {@code "tls"}
 * ({@link NodeTls} paths) also {@code "tlsPort"} (2376) on {@code host}, with client certificates from the swarm's CA,
 * like dockerd's {@code --tlsverify}.
 * {@code "bridgePort"}: the TCP event-bus bridge on the same host (0: chosen by the OS; absent or negative: none, so
 * tests and embedders opt in; {@code enxame up} gives 7000). The bridge speaks TLS with client certificates (the same
 * {@code "tls"} as 2376) unless {@code "bridgeTls": false}, which is the default, and only allowed, on a loopback host.
 */
public record GatewayConfig(String host, int port, String nodeId, Optional<NodeTls> tls, int tlsPort, int bridgePort,
                            boolean bridgeTls) {
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

  public static GatewayConfig fromJson(JsonObject json) {
    String nodeId = json.getString("nodeId");
    if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("gateway config needs a nodeId");
    String host = json.getString("host", "127.0.0.1");
    Optional<NodeTls> tls = NodeTls.fromConfig(json.getJsonObject("tls"));
    int bridgePort = json.getInteger("bridgePort", -1);
    boolean bridgeTls = json.getBoolean("bridgeTls", !loopback(host));
    if (bridgePort >= 0 && !bridgeTls && !loopback(host)) {
      throw new IllegalArgumentException("the event-bus bridge serves plaintext on loopback only, not on " + host);
    }
    if (bridgePort >= 0 && bridgeTls && tls.isEmpty()) {
      throw new IllegalArgumentException("the event-bus bridge on " + host + " needs the gateway's \"tls\" certificates");
    }
    return new GatewayConfig(host, json.getInteger("port", 2375), nodeId, tls, json.getInteger("tlsPort", 2376),
        bridgePort, bridgeTls);
  }

  /** Where the plaintext port listens: {@link #plaintextHost(String)} of {@code host}. */
  public String plaintextHost() { return plaintextHost(host); }

  /**
   * Where a node's plaintext Docker API listens (the gateway's, or a worker's): on the advertised address when that is
   * a loopback address (127.0.0.2 and the like, as tests and several nodes on one machine use), otherwise on
   * 127.0.0.1. Plaintext never leaves the machine; other hosts use the TLS port.
   */
  public static String plaintextHost(String advertised) {
    return loopback(advertised) ? advertised : "127.0.0.1";
  }

  /** The bridge's TLS material: empty when it serves plaintext. */
  public Optional<NodeTls> bridgeTlsFiles() { return bridgeTls ? tls : Optional.empty(); }

  /** {@code localhost} or a loopback IP literal; a host name is not resolved here (no DNS on the event loop). */
  static boolean loopback(String host) {
    if ("localhost".equalsIgnoreCase(host)) return true;
    if (!IP_LITERAL.matcher(host).matches()) return false;
    try {
      return InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
