package io.enxame.deploy;

import io.enxame.shared.net.HostPort;

import java.nio.file.Path;

/**
 * Options of {@code enxame api-gateway}: a Docker API gateway in its own process, on a manager's clustered bus.
 * {@code manager}: the manager's dispatcher ({@code host:port}), where the certificate is asked for with the token;
 * {@code cluster}: the manager's bus (Hazelcast, {@code host:port}); {@code clusterPort}: this process's (0: from 5701 up).
 */
record GatewayOptions(String token, String manager, String cluster, Path dataDir, String advertiseAddr, int port, int tlsPort,
                      int clusterPort) {

  static final String USAGE = """
      Usage: enxame api-gateway [--token TOKEN] [--data-dir DIR] [--advertise-addr IP|HOST] [--port N]
                                [--tls-port N] [--cluster HOST:PORT] [--cluster-port N] MANAGER[:PORT]

      Runs one more Docker API gateway for a manager that was started with 'enxame up --cluster-port'. The
      first start asks MANAGER's dispatcher (port 2377 when left out) for a certificate with the manager join
      token (docker swarm join-token -q manager), checking the manager's root CA against the token's digest,
      and keeps it in DIR/certificates (default ~/.enxame-gateway); later starts need no token. The gateway
      then joins the manager's clustered event bus at --cluster (default MANAGER's host, port 5701) over
      mutual TLS, and serves the Docker API in plaintext on --port (2375) of loopback only (of IP when it is a
      loopback address, else of 127.0.0.1) and on IP:--tls-port (2376, client certificates from the swarm's
      CA). Start as many as you need: each is stateless.""";

  static GatewayOptions parse(String[] args) {
    String token = null, manager = null, cluster = null, advertise = "127.0.0.1";
    int port = 2375, tlsPort = 2376, clusterPort = 0;
    Path dataDir = Path.of(System.getProperty("user.home"), ".enxame-gateway");
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
        case "--port" -> port = UpOptions.port(flag, value);
        case "--tls-port" -> tlsPort = UpOptions.port(flag, value);
        case "--cluster" -> cluster = HostPort.parse(value, ClusteredBus.DEFAULT_PORT).toString();
        case "--cluster-port" -> clusterPort = UpOptions.port(flag, value);
        default -> throw new IllegalArgumentException("unknown flag: " + flag);
      }
    }
    if (manager == null) throw new IllegalArgumentException("the manager's address (HOST:PORT) is required");
    if (cluster == null) cluster = new HostPort(HostPort.parse(manager).host(), ClusteredBus.DEFAULT_PORT).toString();
    return new GatewayOptions(token, manager, cluster, dataDir, advertise, port, tlsPort, clusterPort);
  }
}
