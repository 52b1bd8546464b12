package io.enxame.deploy;

import io.enxame.gateway.worker.WorkerRoutes;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A joined worker's own Docker API, with the real docker CLI 28 ({@code docker -H 127.0.0.2:PORT}): {@code docker info}
 * as a worker's dockerd answers it, moby's 503 for the swarm's state, and {@code docker swarm leave} without
 * {@code --force}: the worker removes its task containers, erases its data dir and ends, and the manager shows it down
 * (still listed until {@code docker node rm}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerApiIT {
  private static final String SERVICE = "worker-api-it";
  @TempDir static Path managerDir;
  @TempDir static Path workerDir;

  private final CountDownLatch left = new CountDownLatch(1);
  private LocalEnxame manager;
  private Vertx workerVertx;
  private NodeIdentity worker;
  private DockerCli atManager;
  private DockerCli atWorker;
  private UpOptions up;

  @BeforeAll
  void start() throws Exception {
    manager = LocalEnxame.start(managerDir);
    up = manager.options;
    atManager = manager.cli;
    String token = atManager.run("swarm", "join-token", "-q", "worker").ok().out().trim();
    JoinOptions join = new JoinOptions(token, "127.0.0.1:" + up.dispatcherPort(), workerDir, "127.0.0.2", null,
        Ports.free(), 0, Ports.free(), Ports.free(), null);
    workerVertx = Vertx.vertx();
    worker = Suite.join(workerVertx, join, left::countDown).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    atWorker = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.2:" + join.gatewayPort());
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (atManager != null) atManager.run("service", "rm", SERVICE);
      if (workerVertx != null) workerVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      try {
        if (manager != null) manager.close();
      } finally {
        if (worker != null) DockerCli.removeTaskContainers(worker.nodeId());
      }
    }
  }

  @Test
  void aWorkerAnswersAsAWorkerRefusesTheSwarmsStateAndLeaves() throws Exception {
    Eventually.until("the worker ready", Duration.ofSeconds(30),
        () -> atManager.run("node", "inspect", "--format", "{{.Status.State}}", worker.nodeId()).out().trim(), "ready"::equals);
    atManager.run("service", "create", "--detach", "--name", SERVICE, "--constraint", "node.role==worker",
        DockerCli.testImage(), "sleep", "600").ok();
    Eventually.until("the task running on the worker", Duration.ofSeconds(30),
        () -> DockerCli.lines(DockerCli.engine().run("ps", "-q", "--filter", "label=com.docker.swarm.node.id=" + worker.nodeId()).out()),
        ids -> ids.size() == 1);

    String info = Eventually.until("the worker's docker info", Duration.ofSeconds(10), () -> atWorker.run("info").out(),
        out -> out.contains("127.0.0.1:" + up.dispatcherPort()));
    assertThat(info).contains("Swarm: active", "NodeID: " + worker.nodeId(), "Is Manager: false", "Node Address: 127.0.0.2",
        "Manager Addresses:");
    for (String[] managerOnly : new String[][] {{"node", "ls"}, {"service", "ls"}, {"swarm", "join-token", "worker"}}) {
      DockerCli.Result refused = atWorker.run(managerOnly);
      assertThat(refused.exit()).as(String.join(" ", managerOnly)).isNotZero();
      assertThat(refused.err()).as(String.join(" ", managerOnly)).contains("Error response from daemon: " + WorkerRoutes.NOT_A_MANAGER);
    }

    // Without --force, as on Swarm: a worker just leaves.
    assertThat(atWorker.run("swarm", "leave").ok().out()).contains("Node left the swarm.");
    assertThat(left.await(30, TimeUnit.SECONDS)).as("the worker's process told it left").isTrue();
    assertThat(DockerCli.engine().run("ps", "-aq", "--filter", "label=com.docker.swarm.node.id=" + worker.nodeId()).ok().out()).isBlank();
    assertThat(Files.exists(workerDir.resolve("node.json")) || Files.exists(workerDir.resolve("certificates"))
        || Files.exists(workerDir.resolve("managers.json"))).as("anything of the swarm left in the data dir").isFalse();
    assertThat(atWorker.run("info").exit()).as("the worker's API closed").isNotZero();
    Eventually.until("the worker down on the manager, still listed", Duration.ofSeconds(20),
        () -> atManager.run("node", "ls", "--format", "{{.ID}} {{.Status}}").out(), out -> out.contains(worker.nodeId() + " Down"));
  }
}
