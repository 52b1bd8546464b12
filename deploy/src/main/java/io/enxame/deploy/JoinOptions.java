package io.enxame.deploy;

import io.enxame.shared.net.HostPort;

import java.nio.file.Path;

/**
 * Options of {@code enxame join}: the token, the manager's dispatcher address, this node's state and address, and
 * the ports of the control plane it runs when the token makes it a manager.
 */
record JoinOptions(String token, String manager, Path dataDir, String advertiseAddr, String dockerHost,
                   int gatewayPort, int tlsPort, int dispatcherPort, int raftPort, String metricsAddr) {

  /** A worker's options (tests): its Docker API on a port the OS chooses, a manager's other ports at their defaults. */
  JoinOptions(String token, String manager, Path dataDir, String advertiseAddr, String dockerHost) {
    this(token, manager, dataDir, advertiseAddr, dockerHost, 0, 2376, 2377, 2378, null);
  }

  /** The options of the control plane a manager runs. */
  UpOptions up() {
    return new UpOptions(dataDir, advertiseAddr, gatewayPort, dispatcherPort, raftPort, dockerHost, tlsPort, UpOptions.NO_BRIDGE,
        UpOptions.LOCAL_BUS, metricsAddr);
  }

  static final String USAGE = """
      Usage: enxame join --token TOKEN [--data-dir DIR] [--advertise-addr IP] [--docker-host URI]
                         [--port N] [--tls-port N] [--dispatcher-port N] [--raft-port N]
                         [--metrics-addr HOST:PORT] HOST:PORT

      Joins the swarm whose manager's dispatcher listens on HOST:PORT (2377 when left out) and runs this
      node's agent in the foreground. The node checks the manager's root CA against the digest in the token,
      sends a certificate signing request with the token and keeps the certificate it receives in
      DIR/certificates (default ~/.enxame-node). A data dir that has joined already resumes without a token.
      A worker serves a worker's Docker API (docker info, docker swarm leave; the swarm's state only on a
      manager) in plaintext on --port (2375) of IP when it is a loopback address, else of 127.0.0.1.
      With the manager token the node also runs a manager's control plane: its store joins the swarm's Raft
      group (on IP:--raft-port, default 2378), and it serves the Docker API on that plaintext port and on
      IP:--tls-port (2376) and a dispatcher on IP:--dispatcher-port (2377). --metrics-addr: as for enxame up,
      the node's mesh counters for Prometheus at http://HOST:PORT/metrics.""";

  static JoinOptions parse(String[] args) {
    String token = null, manager = null, advertise = "127.0.0.1", dockerHost = null, metricsAddr = null;
    int gatewayPort = 2375, tlsPort = 2376, dispatcherPort = 2377, raftPort = 2378;
    Path dataDir = Path.of(System.getProperty("user.home"), ".enxame-node");
    for (Flags.Arg arg : Flags.parse(args)) {
      if (arg.positional()) {
        if (manager != null) throw new IllegalArgumentException("one manager address only: " + arg.value());
        manager = HostPort.parse(arg.value(), 2377).toString();
        continue;
      }
      String flag = arg.name(), value = arg.value();
      switch (flag) {
        case "--token" -> token = value;
        case "--data-dir" -> dataDir = Path.of(value);
        case "--advertise-addr" -> advertise = AdvertiseAddr.resolve(value);
        case "--docker-host" -> dockerHost = value;
        case "--port" -> gatewayPort = UpOptions.port(flag, value);
        case "--tls-port" -> tlsPort = UpOptions.port(flag, value);
        case "--dispatcher-port" -> dispatcherPort = UpOptions.port(flag, value);
        case "--raft-port" -> raftPort = UpOptions.port(flag, value);
        case "--metrics-addr" -> metricsAddr = UpOptions.metricsAddr(flag, value);
        default -> throw new IllegalArgumentException("unknown flag: " + flag);
      }
    }
    if (manager == null) throw new IllegalArgumentException("the manager's address (HOST:PORT) is required");
    return new JoinOptions(token, manager, dataDir, advertise, dockerHost, gatewayPort, tlsPort, dispatcherPort, raftPort, metricsAddr);
  }
}
