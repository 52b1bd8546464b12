package io.enxame.deploy;

import java.nio.file.Path;

/** Options of {@code enxame join}: the token, the manager's dispatcher address, and this node's state and address. */
record JoinOptions(String token, String manager, Path dataDir, String advertiseAddr, String dockerHost) {

  static final String USAGE = """
      Usage: enxame join --token TOKEN [--data-dir DIR] [--advertise-addr IP] [--docker-host URI] HOST:PORT

      Joins the swarm whose manager's dispatcher listens on HOST:PORT (2377 when left out) and runs this
      node's agent in the foreground. The node checks the manager's root CA against the digest in the token,
      sends a certificate signing request with the token and keeps the certificate it receives in
      DIR/certificates (default ~/.enxame-node). A data dir that has joined already resumes without a token.""";

  static JoinOptions parse(String[] args) {
    String token = null, manager = null, advertise = "127.0.0.1", dockerHost = null;
    Path dataDir = Path.of(System.getProperty("user.home"), ".enxame-node");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        if (manager != null) throw new IllegalArgumentException("one manager address only: " + arg);
        manager = arg.contains(":") ? arg : arg + ":2377";
        continue;
      }
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : (i + 1 < args.length ? args[++i] : null);
      if (value == null) throw new IllegalArgumentException("flag needs a value: " + flag);
      switch (flag) {
        case "--token" -> token = value;
        case "--data-dir" -> dataDir = Path.of(value);
        case "--advertise-addr" -> advertise = value;
        case "--docker-host" -> dockerHost = value;
        default -> throw new IllegalArgumentException("unknown flag: " + flag);
      }
    }
    if (manager == null) throw new IllegalArgumentException("the manager's address (HOST:PORT) is required");
    return new JoinOptions(token, manager, dataDir, advertise, dockerHost);
  }
}
