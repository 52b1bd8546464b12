package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import io.enxame.shared.tls.NodeTls;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A second manager joins with the manager token ({@code enxame join}, its own Vert.x, advertising 127.0.0.2): its
 * store joins the Raft group with keys handed over the dispatcher's mutual TLS, and its gateway serves the same
 * swarm. Both managers run agents on the shared engine; only the leader's scheduler places tasks. Then a root CA
 * rotation through the joined manager: both managers' certificates (Raft's, the dispatchers') move to the new root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagerJoinIT {
  private static final String SERVICE = "manager-join-it";
  private static final String SECRET = "manager-join-it-secret";
  @TempDir static Path firstDir;
  @TempDir static Path secondDir;

  private NodeIdentity first;
  private NodeIdentity second;
  private Vertx firstVertx;
  private Vertx secondVertx;
  private DockerCli atFirst;
  private DockerCli atSecond;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    DockerCli.testImage();
    UpOptions up = new UpOptions(firstDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    first = NodeIdentity.loadOrCreate(firstDir);
    firstVertx = Vertx.vertx();
    Suite.up(firstVertx, up, first).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    atFirst = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + up.gatewayPort());

    String token = atFirst.run("swarm", "join-token", "-q", "manager").ok().out().trim();
    JoinOptions join = new JoinOptions(token, "127.0.0.1:" + up.dispatcherPort(), secondDir, "127.0.0.2", null,
        Ports.free(), 0, Ports.free(), Ports.free(), null);
    secondVertx = Vertx.vertx();
    second = Suite.join(secondVertx, join).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    atSecond = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.2:" + join.gatewayPort());
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (atFirst != null) {
        atFirst.run("service", "rm", SERVICE);
        atFirst.run("secret", "rm", SECRET);
      }
      // The joined manager first: the group of two keeps its leader while the other leaves.
      if (secondVertx != null) secondVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (firstVertx != null) firstVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      if (first != null) DockerCli.removeTaskContainers(first.nodeId());
      if (second != null) DockerCli.removeTaskContainers(second.nodeId());
    }
  }

  @Test
  @Order(1)
  void theJoinedManagerIsAReachableRaftMemberAndServesTheSameSwarm() throws Exception {
    assertThat(NodeJoin.role(secondDir)).isEqualTo("manager");
    // Both gateways see both managers, from the live Raft state: the first leads, the second is reachable.
    for (DockerCli cli : List.of(atFirst, atSecond)) {
      Eventually.until("two managers in node ls", Duration.ofSeconds(30),
          () -> DockerCli.lines(cli.run("node", "ls", "--format", "{{.ID}} {{.ManagerStatus}} {{.Status}}").out()),
          lines -> lines.contains(first.nodeId() + " Leader Ready") && lines.contains(second.nodeId() + " Reachable Ready"));
    }
    // Leaving without --force is refused with moby's count, from the live group.
    DockerCli.Result leave = atSecond.run("swarm", "leave");
    assertThat(leave.exit()).isNotZero();
    assertThat(leave.err()).contains("Removing this node leaves 1 managers out of 2. Without a Raft quorum your swarm will be inaccessible.");
    // The store's data key reached the joiner sealed to it; it keeps its own wrapped copy.
    assertThat(Files.exists(secondDir.resolve("keys").resolve("dek"))).isTrue();

    // Writes through the joined manager: a secret (its secrets service seals with the swarm's key) and a service
    // that uses it, placed by the leader's scheduler on both nodes.
    Path secretFile = Files.createTempFile("manager-join", ".txt");
    try {
      // With a newline: the engine's log driver keeps a partial line until it ends.
      Files.writeString(secretFile, "s3cr3t-" + SECRET + "\n", StandardCharsets.UTF_8);
      atSecond.run("secret", "create", SECRET, secretFile.toString()).ok();
    } finally {
      Files.deleteIfExists(secretFile);
    }
    assertThat(atFirst.run("secret", "ls", "--format", "{{.Name}}").ok().out()).contains(SECRET);
    atSecond.run("service", "create", "--detach", "--name", SERVICE, "--replicas", "2", "--secret", SECRET,
        DockerCli.testImage(), "sh", "-c", "cat /run/secrets/" + SECRET + "; sleep 600").ok();
    for (NodeIdentity node : List.of(first, second)) {
      Eventually.until("a task running on " + node.nodeId(), Duration.ofSeconds(60),
          () -> DockerCli.lines(atFirst.run("node", "ps", node.nodeId(), "--filter", "desired-state=running",
              "--format", "{{.Name}} {{.CurrentState}}").out()),
          lines -> lines.size() == 1 && lines.get(0).contains("Running"));
      // The task read the secret its own node's agent received (released by that node's manager's secrets service).
      String container = DockerCli.engine().run("ps", "-q", "--filter", "label=com.docker.swarm.node.id=" + node.nodeId(),
          "--filter", "label=com.docker.swarm.service.name=" + SERVICE).ok().out().trim();
      Eventually.until("the task on " + node.nodeId() + " printed the secret", Duration.ofSeconds(20),
          () -> {
            DockerCli.Result logs = DockerCli.engine().run("logs", container);
            return (logs.out() + logs.err()).trim();
          }, ("s3cr3t-" + SECRET)::equals);
    }
  }

  @Test
  @Order(2)
  void aRootRotationMovesBothManagersToTheNewRootAndRaftCarriesOn() throws Exception {
    String oldRoot = atFirst.run("swarm", "ca").ok().out().trim();
    // -q: the CLI follows the rotation to its end and prints nothing.
    assertThat(atSecond.run("swarm", "ca", "--rotate", "-q").ok().out()).isEmpty();
    String newRoot = atFirst.run("swarm", "ca").ok().out().trim();
    assertThat(newRoot).isNotEqualTo(oldRoot).isEqualTo(atSecond.run("swarm", "ca").ok().out().trim());
    java.security.PublicKey newKey = java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(newRoot.getBytes(StandardCharsets.US_ASCII))).getPublicKey();
    for (Path dir : List.of(firstDir, secondDir)) {
      NodeTls tls = NodeTls.inDataDir(dir);
      tls.certificate().verify(newKey);
      assertThat(Files.readString(Path.of(tls.caPath())).trim()).isEqualTo(newRoot);
    }
    // The group still has both members, and a write through the joined manager reaches the leader's store.
    Eventually.until("two managers in node ls", Duration.ofSeconds(30),
        () -> DockerCli.lines(atFirst.run("node", "ls", "--format", "{{.ID}} {{.ManagerStatus}} {{.Status}}").out()),
        lines -> lines.contains(first.nodeId() + " Leader Ready") && lines.contains(second.nodeId() + " Reachable Ready"));
    atSecond.run("swarm", "update", "--task-history-limit", "7").ok();
    assertThat(atFirst.run("info", "--format", "{{.Swarm.Cluster.Spec.Orchestration.TaskHistoryRetentionLimit}}").ok().out().trim())
        .isEqualTo("7");
  }

  @Test
  @Order(3)
  void leavingWithForceTakesTheManagerOutAndErasesItsNode() throws Exception {
    // Leaving with --force: the joined manager's member leaves the group (the first carries on alone and still
    // writes), its node's task containers go, its data dir keeps nothing of the swarm, and the node shows down.
    DockerCli.Result left = atSecond.run("swarm", "leave", "--force");
    assertThat(left.out()).as(left.toString()).contains("Node left the swarm.");
    Eventually.until("the second manager out of the Raft group", Duration.ofSeconds(30), () -> {
      try {
        JsonObject group = new StoreClient(firstVertx.eventBus()).leaderView().await(10, TimeUnit.SECONDS);
        return group.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("id")).toList();
      } catch (Exception e) {
        return List.<String>of();
      }
    }, List.of(first.nodeId())::equals);
    Eventually.until("the second node's containers gone and its data dir erased", Duration.ofSeconds(30),
        () -> DockerCli.engine().run("ps", "-aq", "--filter", "label=com.docker.swarm.node.id=" + second.nodeId()).out().isBlank()
            && !Files.exists(secondDir.resolve("raft")) && !Files.exists(secondDir.resolve("node.json"))
            && !Files.exists(secondDir.resolve("certificates")),
        Boolean::booleanValue);
    Eventually.until("the second node down", Duration.ofSeconds(30),
        () -> atFirst.run("node", "inspect", "--format", "{{.Status.State}}", second.nodeId()).out().trim(), "down"::equals);
    Eventually.until("both replicas on the first node", Duration.ofSeconds(60),
        () -> DockerCli.lines(atFirst.run("node", "ps", first.nodeId(), "--filter", "desired-state=running",
            "--format", "{{.CurrentState}}").out()),
        lines -> lines.size() == 2 && lines.stream().allMatch(l -> l.startsWith("Running")));
  }
}
