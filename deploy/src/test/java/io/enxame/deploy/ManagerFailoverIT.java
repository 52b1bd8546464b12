package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three managers and a worker that joined through the first (each its own Vert.x, as separate processes would
 * have). When the first manager goes away, the worker's agent carries on with another manager, its task untouched,
 * and the leader marks the lost manager's own node down, since nobody else holds its session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagerFailoverIT {
  private static final String SERVICE = "manager-failover-it";
  @TempDir static Path root;

  private final List<Vertx> instances = new ArrayList<>();
  private final List<NodeIdentity> nodes = new ArrayList<>();
  private Vertx firstVertx;
  private NodeIdentity first;
  private NodeIdentity worker;
  private JoinOptions workerJoin;
  private JoinOptions thirdJoin;
  private DockerCli atSecond;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    DockerCli.testImage();
    UpOptions up = new UpOptions(root.resolve("m1"), "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    first = NodeIdentity.loadOrCreate(up.dataDir());
    nodes.add(first);
    firstVertx = Vertx.vertx();
    instances.add(firstVertx);
    Suite.up(firstVertx, up, first).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    DockerCli atFirst = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + up.gatewayPort());
    String managerToken = token(atFirst, "manager");
    String dispatcher = "127.0.0.1:" + up.dispatcherPort();
    for (int i = 2; i <= 3; i++) {
      JoinOptions join = new JoinOptions(managerToken, dispatcher, root.resolve("m" + i), "127.0.0." + i, null,
          Ports.free(), 0, Ports.free(), Ports.free(), null);
      Vertx v = Vertx.vertx();
      instances.add(v);
      nodes.add(Suite.join(v, join).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
      if (i == 2) atSecond = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.2:" + join.gatewayPort());
      if (i == 3) thirdJoin = join;
    }
    String workerToken = token(atFirst, "worker");
    Vertx v = Vertx.vertx();
    instances.add(v);
    workerJoin = new JoinOptions(workerToken, dispatcher, root.resolve("w"), "127.0.0.4", null);
    worker = Suite.join(v, workerJoin).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    nodes.add(worker);
  }

  /** A join token; a group that is still settling after two joins on a busy machine may answer 503 for a moment. */
  private static String token(DockerCli cli, String role) {
    return Eventually.until("the " + role + " token", Duration.ofSeconds(20),
        () -> cli.run("swarm", "join-token", "-q", role).out().trim(), t -> t.startsWith("SWMTKN-1-"));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (atSecond != null) atSecond.run("service", "rm", SERVICE);
      for (int i = instances.size() - 1; i >= 0; i--) {
        if (instances.get(i) != firstVertx) instances.get(i).close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      nodes.forEach(n -> DockerCli.removeTaskContainers(n.nodeId()));
    }
  }

  /** The manager whose dispatcher holds the node's session ({@code Status.Dispatcher}, which the CLI does not show). */
  private String holder(NodeIdentity node) {
    try {
      JsonObject stored = new StoreClient(instances.get(1).eventBus()).get(Kind.NODES, node.nodeId()).await(10, TimeUnit.SECONDS);
      return Json.string(stored, "Status.Dispatcher");
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * A command through the second manager, again while the group answers "no leader": a group of two or three on a
   * machine this busy changes leader now and then, and clients see a clear 503 for the second it takes.
   */
  private DockerCli.Result settled(String... args) {
    return Eventually.until(String.join(" ", args), Duration.ofSeconds(30), () -> atSecond.run(args),
        r -> !r.err().contains("does not have a leader"));
  }

  /** The Raft group's members as its leader sees them. */
  private List<String> members() {
    try {
      JsonObject group = new StoreClient(instances.get(1).eventBus()).leaderView().await(10, TimeUnit.SECONDS);
      return group.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("id")).toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  private static String roleOf(Path dataDir) {
    try {
      return NodeJoin.role(dataDir);
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private String workersTask() {
    return atSecond.run("node", "ps", worker.nodeId(), "--filter", "desired-state=running", "--format", "{{.ID}} {{.CurrentState}}").out().trim();
  }

  @Test
  void theWorkerMovesToAnotherManagerAndTheLostManagersNodeGoesDown() throws Exception {
    Eventually.until("four ready nodes", Duration.ofSeconds(60),
        () -> DockerCli.lines(atSecond.run("node", "ls", "--format", "{{.Status}}").out()),
        lines -> lines.size() == 4 && lines.stream().allMatch("Ready"::equals));
    assertThat(holder(worker)).isEqualTo(first.nodeId());
    atSecond.run("service", "create", "--detach", "--name", SERVICE, "--constraint", "node.role==worker",
        DockerCli.testImage(), "sleep", "600").ok();
    String task = Eventually.until("the task running on the worker", Duration.ofSeconds(60), this::workersTask,
        out -> out.contains("Running")).split(" ")[0];

    // The first manager (the Raft leader, and the worker's dispatcher) goes away.
    firstVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    Eventually.until("the worker held by another manager", Duration.ofSeconds(20), () -> holder(worker),
        h -> h != null && !h.equals(first.nodeId()));
    Eventually.until("the lost manager's node down and unreachable", Duration.ofSeconds(30),
        () -> atSecond.run("node", "inspect", "--format", "{{.Status.State}} {{.ManagerStatus.Reachability}}", first.nodeId()).out().trim(),
        "down unreachable"::equals);
    // Its task was not touched: the same one still runs.
    assertThat(workersTask()).startsWith(task + " Running");
    assertThat(atSecond.run("node", "inspect", "--format", "{{.Status.State}}", worker.nodeId()).ok().out().trim()).isEqualTo("ready");

    // A running manager is not demoted while that would lose quorum: the lost one still counts in the group of three.
    // `docker node update --role worker` makes the same call as `docker node demote`; both get swarmkit's words.
    NodeIdentity third = nodes.get(2);
    for (List<String> demotion : List.of(List.of("node", "demote", third.nodeId()),
        List.of("node", "update", "--role", "worker", third.nodeId()))) {
      DockerCli.Result refused = settled(demotion.toArray(String[]::new));
      assertThat(refused.exit()).as(String.join(" ", demotion)).isNotZero();
      assertThat(refused.err()).contains("Error response from daemon: rpc error: code = FailedPrecondition desc = "
          + "can't remove member from the raft: this would result in a loss of quorum");
    }
    assertThat(atSecond.run("node", "inspect", "--format", "{{.Spec.Role}}", third.nodeId()).ok().out().trim()).isEqualTo("manager");

    // The lost manager is demoted through `docker node update --role worker` (the leader takes its member out of the
    // Raft group: two of two left) and removed.
    settled("node", "update", "--role", "worker", first.nodeId()).ok();
    Eventually.until("the lost manager out of the Raft group", Duration.ofSeconds(20), this::members,
        m -> m.size() == 2 && m.containsAll(List.of(nodes.get(1).nodeId(), third.nodeId())));
    assertThat(atSecond.run("node", "inspect", "--format", "{{.Spec.Role}} {{.ManagerStatus}}", first.nodeId()).ok().out().trim())
        .isEqualTo("worker <nil>");
    settled("node", "rm", first.nodeId()).ok();
    assertThat(DockerCli.lines(atSecond.run("node", "ls", "-q").ok().out())).hasSize(3).doesNotContain(first.nodeId());

    // Now the running third manager is demoted: it leaves the group, hands its control plane over and carries on as a
    // worker, its agent held by the manager left, its certificate a worker's, its data dir without a store.
    settled("node", "demote", third.nodeId()).ok();
    Eventually.until("the third manager out of the Raft group", Duration.ofSeconds(20), this::members,
        m -> m.equals(List.of(nodes.get(1).nodeId())));
    Path thirdDir = root.resolve("m3");
    Eventually.until("the third node a worker, held by the second manager", Duration.ofSeconds(60),
        () -> atSecond.run("node", "inspect", "--format", "{{.Spec.Role}} {{.Status.State}}", third.nodeId()).out().trim()
            + " " + holder(third) + " " + roleOf(thirdDir) + " " + RoleFollower.holdsManagerState(thirdDir),
        ("worker ready " + nodes.get(1).nodeId() + " worker false")::equals);
    // Its plaintext port serves a worker's Docker API now, until the promotion below hands it to a gateway again.
    DockerCli atThird = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.3:" + thirdJoin.gatewayPort());
    Eventually.until("the third node's worker API", Duration.ofSeconds(20),
        () -> atThird.run("info", "--format", "{{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}").out().trim(), ("false " + third.nodeId())::equals);
    // The group of one still writes.
    settled("service", "update", "--detach", "--label-add", "after=demotion", SERVICE).ok();

    // Promoted again, the node starts a manager's control plane at run time: a certificate that says manager, its
    // store a member of the group again, its gateway serving the swarm.
    settled("node", "promote", third.nodeId()).ok();
    Eventually.until("the third node's member back in the Raft group", Duration.ofSeconds(60), this::members,
        m -> m.size() == 2 && m.contains(third.nodeId()));
    Eventually.until("the third node's gateway listing it as a manager", Duration.ofSeconds(60),
        () -> DockerCli.lines(atThird.run("node", "ls", "--format", "{{.ID}} {{.ManagerStatus}}").out()),
        lines -> lines.contains(third.nodeId() + " Reachable") || lines.contains(third.nodeId() + " Leader"));
    // One server on the port: each connection is the gateway's (two servers on one port of a Vert.x instance take turns).
    for (int i = 0; i < 4; i++) {
      assertThat(atThird.run("info", "--format", "{{.Swarm.ControlAvailable}}").ok().out().trim()).isEqualTo("true");
    }
    assertThat(roleOf(thirdDir)).isEqualTo("manager");
    assertThat(RoleFollower.holdsManagerState(thirdDir)).isTrue();

    // The worker restarted, still configured with the lost manager, reaches another from the managers it kept.
    Vertx restarted = Vertx.vertx();
    instances.get(3).close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    instances.set(3, restarted);
    Suite.join(restarted, workerJoin).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Eventually.until("the restarted worker held by a live manager", Duration.ofSeconds(30), () -> holder(worker),
        h -> h != null && !h.equals(first.nodeId()) && "ready".equals(
            atSecond.run("node", "inspect", "--format", "{{.Status.State}}", worker.nodeId()).out().trim()));
  }
}
