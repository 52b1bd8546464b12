package io.enxame.deploy;

import java.nio.file.Path;

/**
 * Options of {@code enxame up}: where state lives and which address and ports this node uses. {@code bridgePort}: the
 * gateway's TCP event-bus bridge (-1: none).
 */
record UpOptions(Path dataDir, String advertiseAddr, int gatewayPort, int dispatcherPort, int raftPort, String dockerHost, int tlsPort,
                 int bridgePort) {
  static final int NO_BRIDGE = -1;

  /** Without the event-bus bridge (a manager that joined: {@code enxame join} has no {@code --bridge-port} yet). */
  UpOptions(Path dataDir, String advertiseAddr, int gatewayPort, int dispatcherPort, int raftPort, String dockerHost, int tlsPort) {
    this(dataDir, advertiseAddr, gatewayPort, dispatcherPort, raftPort, dockerHost, tlsPort, NO_BRIDGE);
  }

  /** With the gateway's TLS port chosen by the OS and no event-bus bridge (tests). */
  UpOptions(Path dataDir, String advertiseAddr, int gatewayPort, int dispatcherPort, int raftPort, String dockerHost) {
    this(dataDir, advertiseAddr, gatewayPort, dispatcherPort, raftPort, dockerHost, 0);
  }

  static final String USAGE = """
      Usage: enxame up [--data-dir DIR] [--advertise-addr IP] [--port N] [--tls-port N]
                       [--dispatcher-port N] [--raft-port N] [--bridge-port N|off] [--docker-host URI]

      Runs a whole manager node in the foreground: the cluster store (Raft), the scheduler and
      dispatcher, the Docker API gateway on IP:N (default 127.0.0.1:2375, plaintext) and on IP:2376 with
      client certificates from the swarm's CA (see enxame client-bundle), the TCP event-bus bridge for
      event-bus clients on IP:7000 (read-only; plaintext on a loopback IP, else TLS with those client
      certificates), a node-agent for the local Docker engine and the routing mesh (published ports
      listen on every interface). A fresh data dir starts a new swarm; an existing one resumes it.""";

  static UpOptions defaults() {
    return new UpOptions(Path.of(System.getProperty("user.home"), ".enxame"), "127.0.0.1", 2375, 2377, 2378, null, 2376, 7000);
  }

  static UpOptions parse(String[] args) {
    UpOptions o = defaults();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : (i + 1 < args.length ? args[i + 1] : null);
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (!arg.contains("=")) i++;
      if (value == null) throw new IllegalArgumentException("flag needs a value: " + flag);
      o = switch (flag) {
        case "--data-dir" -> new UpOptions(Path.of(value), o.advertiseAddr, o.gatewayPort, o.dispatcherPort, o.raftPort, o.dockerHost, o.tlsPort, o.bridgePort);
        case "--advertise-addr" -> new UpOptions(o.dataDir, value, o.gatewayPort, o.dispatcherPort, o.raftPort, o.dockerHost, o.tlsPort, o.bridgePort);
        case "--port" -> new UpOptions(o.dataDir, o.advertiseAddr, port(flag, value), o.dispatcherPort, o.raftPort, o.dockerHost, o.tlsPort, o.bridgePort);
        case "--dispatcher-port" -> new UpOptions(o.dataDir, o.advertiseAddr, o.gatewayPort, port(flag, value), o.raftPort, o.dockerHost, o.tlsPort, o.bridgePort);
        case "--raft-port" -> new UpOptions(o.dataDir, o.advertiseAddr, o.gatewayPort, o.dispatcherPort, port(flag, value), o.dockerHost, o.tlsPort, o.bridgePort);
        case "--docker-host" -> new UpOptions(o.dataDir, o.advertiseAddr, o.gatewayPort, o.dispatcherPort, o.raftPort, value, o.tlsPort, o.bridgePort);
        case "--tls-port" -> new UpOptions(o.dataDir, o.advertiseAddr, o.gatewayPort, o.dispatcherPort, o.raftPort, o.dockerHost, port(flag, value), o.bridgePort);
        case "--bridge-port" -> new UpOptions(o.dataDir, o.advertiseAddr, o.gatewayPort, o.dispatcherPort, o.raftPort, o.dockerHost, o.tlsPort,
            "off".equals(value) ? NO_BRIDGE : port(flag, value));
        default -> throw new IllegalArgumentException("unknown flag: " + flag);
      };
    }
    return o;
  }

  static int port(String flag, String value) {
    try {
      int p = Integer.parseInt(value);
      if (p < 0 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a port number (0-65535): " + value);
    }
  }
}
