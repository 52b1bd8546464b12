package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An all-in-one Enxame, as {@code enxame up} runs it, on the real Docker engine for one test class, with
 * the real docker CLI 28 pointed at its gateway. {@link #close} stops it and removes every container it
 * made, whatever state the test left.
 */
final class LocalEnxame implements AutoCloseable {
  final UpOptions options;
  final NodeIdentity id;
  final DockerCli cli;
  final String image;
  private Vertx vertx;

  private LocalEnxame(Path dataDir) throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    image = DockerCli.testImage();
    options = new UpOptions(dataDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    id = NodeIdentity.loadOrCreate(dataDir);
    cli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + options.gatewayPort());
  }

  /** Starts Enxame on a data dir and waits until its node is ready. */
  static LocalEnxame start(Path dataDir) throws Exception {
    LocalEnxame e = new LocalEnxame(dataDir);
    e.up();
    return e;
  }

  /** (Re)starts the suite on the same data dir and ports, and waits until the node is ready. */
  void up() throws Exception {
    vertx = Vertx.vertx();
    Suite.up(vertx, options, id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Eventually.until("the node to be ready", Duration.ofSeconds(30), () -> cli.run("node", "ls").ok().out(), o -> o.contains("Ready"));
  }

  /** Stops the suite; task containers keep running, as with {@code enxame up} stopped. */
  void down() throws Exception {
    if (vertx == null) return;
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx = null;
    }
  }

  Vertx vertx() { return vertx; }

  int gatewayPort() { return options.gatewayPort(); }

  @Override
  public void close() throws Exception {
    try {
      down();
    } finally {
      DockerCli.removeTaskContainers(id.nodeId());
    }
  }
}
