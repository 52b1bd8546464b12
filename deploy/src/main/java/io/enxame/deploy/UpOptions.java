package io.enxame.deploy;

import io.enxame.shared.net.HostPort;

import java.nio.file.Path;

/**
 * Options of {@code enxame up}: where state lives and which address and ports this node uses. {@code bridgePort}: the
 * gateway's TCP event-bus bridge (-1: none); {@code clusterPort}: the manager's clustered bus (Hazelcast's port) that
 * {@code enxame api-gateway} processes join, or -1 for a local bus; {@code metricsAddr}: where the node's mesh serves
 * {@code GET /metrics} for Prometheus ("host:port"), or null for nowhere.
 */
record UpOptions(Path dataDir, String advertiseAddr, int gatewayPort, int dispatcherPort, int raftPort, String dockerHost, int tlsPort,
                 int bridgePort, int clusterPort, String metricsAddr) {
  static final int NO_BRIDGE = -1;
  static final int LOCAL_BUS = -1;

  /**
   * Without the event-bus bridge, on a local bus (a manager that joined: {@code enxame join} has no {@code --bridge-port}
   * or {@code --cluster-port} yet).
   */
  UpOptions(Path dataDir, String advertiseAddr, int gatewayPort, int dispatcherPort, int raftPort, String dockerHost, int tlsPort) {
    this(dataDir, advertiseAddr, gatewayPort, dispatcherPort, raftPort, dockerHost, tlsPort, NO_BRIDGE, LOCAL_BUS, null);
  }

  /** With the gateway's TLS port chosen by the OS, no event-bus bridge, a local bus (tests). */
  UpOptions(Path dataDir, String advertiseAddr, int gatewayPort, int dispatcherPort, int raftPort, String dockerHost) {
    this(dataDir, advertiseAddr, gatewayPort, dispatcherPort, raftPort, dockerHost, 0);
  }

  /** The same options with the plaintext API on {@code port} (a port the OS chose, kept for the node's next API). */
  UpOptions withGatewayPort(int port) {
    return new UpOptions(dataDir, advertiseAddr, port, dispatcherPort, raftPort, dockerHost, tlsPort, bridgePort, clusterPort, metricsAddr);
  }

  static final String USAGE = """
      Usage: enxame up [--data-dir DIR] [--advertise-addr IP|HOST] [--port N] [--tls-port N]
                       [--dispatcher-port N] [--raft-port N] [--bridge-port N|off] [--docker-host URI]
                       [--cluster-port N] [--metrics-addr HOST:PORT]

      Runs a whole manager node in the foreground: the cluster store (Raft), the scheduler and
      dispatcher, the Docker API gateway in plaintext on port N (default 2375) of loopback only (of IP when
      it is a loopback address such as 127.0.0.2, else of 127.0.0.1) and on IP:2376 with client
      certificates from the swarm's CA (see enxame client-bundle), the TCP event-bus bridge for
      event-bus clients on IP:7000 (read-only; plaintext on a loopback IP, else TLS with those client
      certificates), a node-agent for the local Docker engine and the routing mesh (published ports
      listen on every interface). A fresh data dir starts a new swarm; an existing one resumes it.
      With --cluster-port (Hazelcast's port, 5701 as usual) the manager's event bus is clustered, over
      mutual TLS with certificates from the swarm's bus CA, so that more gateways can run in their own
      processes (enxame api-gateway). With --metrics-addr the node's routing mesh serves its per-service
      counters (connections, bytes, errors) for Prometheus at http://HOST:PORT/metrics, as dockerd's
      --metrics-addr does; off by default, and unauthenticated: use a loopback or management address.""";

  static UpOptions defaults() {
    return new UpOptions(Path.of(System.getProperty("user.home"), ".enxame"), "127.0.0.1", 2375, 2377, 2378, null, 2376, 7000, LOCAL_BUS, null);
  }

  static UpOptions parse(String[] args) {
    UpOptions d = defaults();
    Path dataDir = d.dataDir;
    String advertise = d.advertiseAddr, dockerHost = d.dockerHost, metricsAddr = d.metricsAddr;
    int gatewayPort = d.gatewayPort, dispatcherPort = d.dispatcherPort, raftPort = d.raftPort, tlsPort = d.tlsPort,
        bridgePort = d.bridgePort, clusterPort = d.clusterPort;
    for (Flags.Arg arg : Flags.parse(args)) {
      if (arg.positional()) throw new IllegalArgumentException("unexpected argument: " + arg.value());
      String flag = arg.name(), value = arg.value();
      switch (flag) {
        case "--data-dir" -> dataDir = Path.of(value);
        case "--advertise-addr" -> advertise = AdvertiseAddr.resolve(value);
        case "--port" -> gatewayPort = port(flag, value);
        case "--dispatcher-port" -> dispatcherPort = port(flag, value);
        case "--raft-port" -> raftPort = port(flag, value);
        case "--docker-host" -> dockerHost = value;
        case "--tls-port" -> tlsPort = port(flag, value);
        case "--bridge-port" -> bridgePort = "off".equals(value) ? NO_BRIDGE : port(flag, value);
        case "--cluster-port" -> clusterPort = port(flag, value);
        case "--metrics-addr" -> metricsAddr = metricsAddr(flag, value);
        default -> throw new IllegalArgumentException("unknown flag: " + flag);
      }
    }
    return new UpOptions(dataDir, advertise, gatewayPort, dispatcherPort, raftPort, dockerHost, tlsPort, bridgePort, clusterPort, metricsAddr);
  }

  /** A HOST:PORT to listen on, checked now rather than when the mesh starts. */
  static String metricsAddr(String flag, String value) {
    HostPort addr;
    try {
      addr = HostPort.parse(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(flag + " must be HOST:PORT: " + value);
    }
    port(flag, Integer.toString(addr.port()));
    return addr.toString();
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
