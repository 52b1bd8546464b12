package io.enxame.deploy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.enxame.shared.tls.NodeTls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The {@code enxame} command: one jar, any set of services. */
public final class Enxame {
  private static final String USAGE = """
      Usage: enxame COMMAND [OPTIONS]

      Commands:
        up      Run a whole manager node with a node-agent for this machine (all-in-one)
        join    Join a swarm with a join token and run this node's node-agent
        api-gateway    Run one more Docker API gateway on a manager's clustered bus (enxame up --cluster-port)
        client-bundle  Write ca.pem, cert.pem and key.pem for docker --tlsverify to a directory

      Run 'enxame COMMAND --help' for the options of a command.""";

  private Enxame() {}

  public static void main(String[] args) throws Exception {
    // Before any Vert.x or Hazelcast class loads: one logging backend for everything.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "up" -> up(rest);
      case "join" -> join(rest);
      case "api-gateway" -> apiGateway(rest);
      case "client-bundle" -> clientBundle(rest);
      default -> {
        System.err.println("enxame: unknown command '" + args[0] + "'\n\n" + USAGE);
        System.exit(2);
      }
    }
  }

  /** A command's options; null when it printed its help. A bad flag prints the usage and exits with 2. */
  private static <T> T options(String command, String[] args, String usage, Function<String[], T> parse) {
    if (Arrays.asList(args).contains("--help")) {
      System.out.println(usage);
      return null;
    }
    try {
      return parse.apply(args);
    } catch (IllegalArgumentException e) {
      System.err.println("enxame " + command + ": " + e.getMessage() + "\n\n" + usage);
      System.exit(2);
      return null;
    }
  }

  /**
   * Closes Vert.x when the JVM is asked to stop (Ctrl-C, SIGTERM); the latch counts down once it is closed.
   * Undeploying leaves task containers running: the next start re-adopts them.
   */
  private static CountDownLatch closeOnShutdown(Vertx vertx) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("enxame: unclean stop: " + e);
      }
      stopped.countDown();
    }, "enxame-shutdown"));
    return stopped;
  }

  private static void up(String[] args) throws Exception {
    UpOptions options = options("up", args, UpOptions.USAGE, UpOptions::parse);
    if (options == null) return;
    boolean worker = Suite.isWorkerDataDir(options.dataDir());
    NodeIdentity id = identity(options);
    // A worker runs no control plane: its bus stays local.
    Vertx vertx = options.clusterPort() == UpOptions.LOCAL_BUS || worker ? Vertx.vertx() : started("up", busCertificate(options, id)
        .compose(bus -> ClusteredBus.start(options.advertiseAddr(), options.clusterPort(), List.of(), bus)));
    CountDownLatch stopped = closeOnShutdown(vertx);
    // A demoted manager (or a joined worker) started with up carries on as the worker it is.
    Future<String> started = worker
        ? Suite.resumeWorker(vertx, id, options, Enxame::left).map(n -> "This node is a worker of its swarm: it runs tasks"
            + " and serves a worker's Docker API (node " + id.nodeId() + ", data in " + options.dataDir() + ")")
        : Suite.up(vertx, options, id, Enxame::left).map(m -> "Enxame is ready: gateway on tcp://" + m.gatewayAddress() + ":"
            + m.gatewayPort() + " and with TLS on tcp://" + m.gatewayTlsAddress() + ":" + m.gatewayTlsPort()
            + " (enxame client-bundle DIR) (node " + id.nodeId() + (id.fresh() ? ", new swarm" : "") + ", data in "
            + options.dataDir() + (options.clusterPort() == UpOptions.LOCAL_BUS ? "" : ", clustered bus on " + options.advertiseAddr() + ":"
            + options.clusterPort()) + ")");
    String ready = started("up", started);
    System.out.println(ready);
    System.out.flush();
    stopped.await();
  }

  private static final String CLIENT_BUNDLE_USAGE = """
      Usage: enxame client-bundle [--data-dir DIR] OUTPUT_DIR

      Writes the client certificate that enxame up made for this swarm (in DIR/client, default ~/.enxame) as
      OUTPUT_DIR/{ca.pem,cert.pem,key.pem}, so that: docker --tlsverify --tlscacert OUTPUT_DIR/ca.pem
      --tlscert OUTPUT_DIR/cert.pem --tlskey OUTPUT_DIR/key.pem -H IP:2376 info  (or DOCKER_CERT_PATH=OUTPUT_DIR
      DOCKER_TLS_VERIFY=1 DOCKER_HOST=tcp://IP:2376 docker info).""";

  private static void clientBundle(String[] args) throws Exception {
    Path dataDir = UpOptions.defaults().dataDir();
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help")) {
        System.out.println(CLIENT_BUNDLE_USAGE);
        return;
      } else if (args[i].equals("--data-dir") && i + 1 < args.length) {
        dataDir = Path.of(args[++i]);
      } else if (args[i].startsWith("--data-dir=")) {
        dataDir = Path.of(args[i].substring("--data-dir=".length()));
      } else if (out == null && !args[i].startsWith("--")) {
        out = Path.of(args[i]);
      } else {
        System.err.println("enxame client-bundle: unexpected argument " + args[i] + "\n\n" + CLIENT_BUNDLE_USAGE);
        System.exit(2);
      }
    }
    if (out == null) {
      System.err.println("enxame client-bundle: the output directory is required\n\n" + CLIENT_BUNDLE_USAGE);
      System.exit(2);
    }
    try {
      ClientBundle.copy(dataDir, out);
    } catch (IOException e) {
      System.err.println("enxame client-bundle: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("Wrote ca.pem, cert.pem and key.pem to " + out.toAbsolutePath()
        + "\nUse: docker --tlsverify --tlscacert " + out.resolve("ca.pem") + " --tlscert " + out.resolve("cert.pem")
        + " --tlskey " + out.resolve("key.pem") + " -H tcp://IP:2376 info");
  }

  private static void join(String[] args) throws Exception {
    JoinOptions options = options("join", args, JoinOptions.USAGE, JoinOptions::parse);
    if (options == null) return;
    Vertx vertx = Vertx.vertx();
    CountDownLatch stopped = closeOnShutdown(vertx);
    NodeIdentity id;
    try {
      id = Suite.join(vertx, options, Enxame::left).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("Error response from daemon: " + cause.getMessage());
      System.exit(1);
      return;
    }
    System.out.println("This node joined a swarm as a " + NodeJoin.role(options.dataDir()) + ". (node " + id.nodeId()
        + ", data in " + options.dataDir() + ")");
    System.out.flush();
    stopped.await();
  }

  private static void apiGateway(String[] args) throws Exception {
    GatewayOptions options = options("api-gateway", args, GatewayOptions.USAGE, GatewayOptions::parse);
    if (options == null) return;
    GatewayProcess.Started g = started("api-gateway", GatewayProcess.start(options));
    CountDownLatch stopped = closeOnShutdown(g.vertx());
    System.out.println("Enxame gateway is ready: tcp://" + g.host() + ":" + g.port() + " and with TLS on tcp://"
        + options.advertiseAddr() + ":" + g.tlsPort() + " (manager " + g.managerNodeId() + ", bus " + options.cluster()
        + ", data in " + options.dataDir() + ")");
    System.out.flush();
    stopped.await();
  }

  private static Future<NodeTls> busCertificate(UpOptions options, NodeIdentity id) {
    try {
      return Future.succeededFuture(Suite.busCertificate(options, id));
    } catch (Exception e) {
      return Future.failedFuture(e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e);
    }
  }

  /** What {@code starting} gives within two minutes; on a failure the command says why and exits with 1. */
  private static <T> T started(String command, Future<T> starting) {
    try {
      return starting.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("enxame " + command + ": could not start: " + cause.getMessage());
      System.exit(1);
      return null;
    }
  }

  /** {@code docker swarm leave} (a manager's with {@code --force}): this node has left the swarm, so the process ends. */
  private static void left() {
    System.out.println("Node left the swarm.");
    System.out.flush();
    // Off the event loop: exiting runs the shutdown hook, which closes Vert.x and waits for it.
    new Thread(() -> System.exit(0), "enxame-left").start();
  }

  private static NodeIdentity identity(UpOptions options) throws IOException {
    try {
      return NodeIdentity.loadOrCreate(options.dataDir());
    } catch (IOException e) {
      System.err.println("enxame up: cannot use data dir " + options.dataDir() + ": " + e.getMessage());
      System.exit(1);
      throw e;
    }
  }
}
