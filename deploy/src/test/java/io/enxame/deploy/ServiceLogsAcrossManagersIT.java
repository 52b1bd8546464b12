package io.enxame.deploy;

import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.LogAck;
import io.enxame.shared.dispatcher.LogBatch;
import io.enxame.shared.dispatcher.LogSubscription;
import io.enxame.shared.dispatcher.ManagerLogMessage;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docker service logs} through one manager reaches the tasks of nodes whose sessions another manager holds.
 * Two managers (127.0.0.2 up, 127.0.0.3 joined with the manager token) and a worker (127.0.0.4) joined through the
 * second, so that two of the three nodes are held by the second manager; a global service runs a task on each, and the
 * real CLI reads them through the first manager's gateway. Each node its own Vert.x, as separate processes would have.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceLogsAcrossManagersIT {
  private static final String SERVICE = "logs-across-it";
  /** Three lines, then a fourth once the test creates /tmp/go in the container; ends at once on SIGTERM. */
  private static final String SCRIPT = "trap 'exit 0' TERM; for i in 1 2 3; do echo line $i; done; "
      + "while [ ! -f /tmp/go ]; do sleep 0.2; done; echo late; sleep 600 & wait";
  private static final Pattern LINE = Pattern.compile("^" + SERVICE + "\\.\\S+\\.([0-9a-z]{25})@\\S+\\s+\\| (.*)$");
  @TempDir static Path root;

  private final List<Vertx> instances = new ArrayList<>();
  private NodeIdentity first;
  private NodeIdentity second;
  private NodeIdentity worker;
  private int firstDispatcher;
  private DockerCli atFirst;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    String image = DockerCli.testImage();
    UpOptions up = new UpOptions(root.resolve("m1"), "127.0.0.2", Ports.free(), Ports.free(), Ports.free(), null);
    first = NodeIdentity.loadOrCreate(up.dataDir());
    Suite.up(vertx(), up, first).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    firstDispatcher = up.dispatcherPort();
    atFirst = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.2:" + up.gatewayPort());

    JoinOptions secondJoin = new JoinOptions(token("manager"), "127.0.0.2:" + firstDispatcher, root.resolve("m2"), "127.0.0.3", null,
        Ports.free(), 0, Ports.free(), Ports.free(), null);
    second = Suite.join(vertx(), secondJoin).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    // The worker joins through the second manager, whose dispatcher then holds its session.
    JoinOptions workerJoin = new JoinOptions(token("worker"), "127.0.0.3:" + secondJoin.dispatcherPort(), root.resolve("w"), "127.0.0.4", null);
    worker = Suite.join(vertx(), workerJoin).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    Eventually.until("sessions held by their managers", Duration.ofSeconds(30),
        () -> Arrays.asList(holder(first), holder(second), holder(worker)),
        h -> h.equals(Arrays.asList(first.nodeId(), second.nodeId(), second.nodeId())));
    atFirst.run("service", "create", "--detach", "--name", SERVICE, "--mode", "global", "--update-parallelism", "0",
        image, "sh", "-c", SCRIPT).ok();
    for (NodeIdentity node : List.of(first, second, worker)) {
      Eventually.until("a task running on " + node.nodeId(), Duration.ofSeconds(60),
          () -> DockerCli.lines(atFirst.run("node", "ps", node.nodeId(), "--filter", "desired-state=running", "--format", "{{.CurrentState}}").out()),
          lines -> lines.size() == 1 && lines.get(0).startsWith("Running"));
    }
  }

  private Vertx vertx() {
    Vertx v = Vertx.vertx();
    instances.add(v);
    return v;
  }

  private String token(String role) {
    return Eventually.until("the " + role + " token", Duration.ofSeconds(20),
        () -> atFirst.run("swarm", "join-token", "-q", role).out().trim(), t -> t.startsWith("SWMTKN-1-"));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (atFirst != null) atFirst.run("service", "rm", SERVICE);
      for (int i = instances.size() - 1; i >= 0; i--) instances.get(i).close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      for (NodeIdentity n : Arrays.asList(first, second, worker)) if (n != null) DockerCli.removeTaskContainers(n.nodeId());
    }
  }

  @Test
  @Order(1)
  void logsThroughOneManagerShowEveryNodesTasks() {
    Map<String, String> tasks = runningTasks();
    DockerCli.Result r = atFirst.run("service", "logs", "--no-trunc", SERVICE).ok();
    assertThat(r.err()).as("no node is missing").doesNotContain("incomplete log stream");
    Map<String, List<String>> byTask = byTask(r.out());
    assertThat(byTask.keySet()).containsExactlyInAnyOrderElementsOf(tasks.keySet());
    byTask.values().forEach(lines -> assertThat(lines).containsExactly("line 1", "line 2", "line 3"));
    // --tail and one task on a node the other manager holds
    String workerTask = taskOn(tasks, worker);
    assertThat(DockerCli.lines(atFirst.run("service", "logs", "--raw", "--tail", "1", workerTask).ok().out())).containsExactly("line 3");
  }

  /** The manager-to-manager log call is served to managers only: a worker's certificate is refused. */
  @Test
  @Order(2)
  void theLogsCallServesAManagersCertificateAndRefusesAWorkers() throws Exception {
    String firstNodesTask = taskOn(runningTasks(), first);
    Vertx v = instances.get(0);
    // The second manager's certificate: the first manager's node's lines, named by node.
    Call asManager = logsCall(v, root.resolve("m2"), firstNodesTask);
    assertThat(asManager.status.await(20, TimeUnit.SECONDS)).isEqualTo(GrpcStatus.OK);
    assertThat(asManager.batches).allSatisfy(b -> assertThat(b.getNodeId()).isEqualTo(first.nodeId()));
    assertThat(asManager.batches.stream().flatMap(b -> b.getLinesList().stream()).map(l -> l.getData().toStringUtf8()))
        .containsExactly("line 1\n", "line 2\n", "line 3\n");
    assertThat(asManager.batches.get(asManager.batches.size() - 1).getDone()).as("the node's done comes last").isTrue();

    Call asWorker = logsCall(v, root.resolve("w"), firstNodesTask);
    assertThat(asWorker.status.await(20, TimeUnit.SECONDS)).isEqualTo(GrpcStatus.PERMISSION_DENIED);
    assertThat(asWorker.batches).isEmpty();
  }

  @Test
  @Order(3)
  void aFollowGetsLaterLinesAndLaterTasksFromTheOtherManagersNodesAndStopsThemWhenKilled() throws Exception {
    Eventually.until("no container log being read before the follow", Duration.ofSeconds(10), ServiceLogsAcrossManagersIT::logReaders, n -> n == 0);
    File out = Files.createTempFile("follow", ".txt").toFile();
    Process follow = atFirst.start(out, "service", "logs", "-f", "--no-trunc", SERVICE);
    try {
      Map<String, String> before = runningTasks();
      Eventually.until("every task's lines", Duration.ofSeconds(20), () -> byTask(read(out)).keySet(), before.keySet()::equals);
      // A line written after the call, by the worker's task (its session is the second manager's).
      String container = DockerCli.engine().run("ps", "-q", "--filter", "label=com.docker.swarm.node.id=" + worker.nodeId(),
          "--filter", "label=com.docker.swarm.service.name=" + SERVICE).ok().out().trim();
      DockerCli.engine().run("exec", container, "touch", "/tmp/go").ok();
      String workerTask = taskOn(before, worker);
      Eventually.until("the worker task's late line", Duration.ofSeconds(20), () -> byTask(read(out)).getOrDefault(workerTask, List.of()),
          lines -> lines.contains("late"));

      // Tasks placed after the call, on every node: the follow picks them up.
      atFirst.run("service", "update", "--force", "--detach", SERVICE).ok();
      Eventually.until("the replacements' lines", Duration.ofSeconds(40), () -> byTask(read(out)),
          t -> t.size() == 6 && t.values().stream().allMatch(lines -> lines.contains("line 3")));
      assertThat(follow.isAlive()).isTrue();
      assertThat(logReaders()).as("the replacements are being read").isGreaterThanOrEqualTo(3);

      follow.destroy();
      assertThat(follow.waitFor(10, TimeUnit.SECONDS)).as("the CLI ends when killed").isTrue();
      // The cancel reached every node through the managers: no agent reads a container's log any more.
      Eventually.until("every agent to stop reading", Duration.ofSeconds(10), ServiceLogsAcrossManagersIT::logReaders, n -> n == 0);
    } finally {
      follow.destroyForcibly();
      Files.deleteIfExists(out.toPath());
    }
  }

  /** Log streams the node agents in this JVM read from the engine now (docker-java's framed stream threads). */
  private static long logReaders() {
    return Thread.getAllStackTraces().entrySet().stream().filter(e -> e.getKey().getName().startsWith("docker-java-stream-"))
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().endsWith("FramedInputStreamConsumer"))).count();
  }

  /** A Logs call to the first manager's dispatcher with the certificate of the node in {@code dataDir}; each batch is acked. */
  private Call logsCall(Vertx v, Path dataDir, String taskId) {
    GrpcClient client = GrpcClient.client(v, NodeTls.inDataDir(dataDir).client(new HttpClientOptions()));
    Call call = new Call();
    Promise<GrpcStatus> status = Promise.promise();
    call.status = status.future().eventually(() -> client.close());
    v.runOnContext(x -> client.request(SocketAddress.inetSocketAddress(firstDispatcher, "127.0.0.2"), DispatcherMethods.LOGS_CLIENT)
        .compose(req -> {
          call.request = req;
          req.write(ManagerLogMessage.newBuilder().setSubscribe(LogSubscription.newBuilder().setSubscriptionId("logs-it-" + System.nanoTime())
              .addTaskIds(taskId).setTail(-1).setStdout(true).setStderr(true)).build());
          return req.response();
        })
        .onFailure(status::tryFail)
        .onSuccess(resp -> {
          resp.handler(b -> {
            call.batches.add(b);
            if (b.getLinesCount() > 0) call.request.write(ManagerLogMessage.newBuilder()
                .setAck(LogAck.newBuilder().setSubscriptionId(b.getSubscriptionId()).setNodeId(b.getNodeId())).build());
          });
          resp.endHandler(e -> status.tryComplete(resp.status()));
          resp.exceptionHandler(e -> status.tryComplete(resp.status()));
        }));
    return call;
  }

  private static final class Call {
    final List<LogBatch> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
    Future<GrpcStatus> status;
    GrpcClientRequest<ManagerLogMessage, LogBatch> request;
  }

  /** Running task ID → its node ID. */
  private Map<String, String> runningTasks() {
    Map<String, String> tasks = new HashMap<>();
    for (NodeIdentity node : List.of(first, second, worker)) {
      DockerCli.lines(atFirst.run("node", "ps", node.nodeId(), "-q", "--no-trunc", "--filter", "desired-state=running").ok().out())
          .forEach(id -> tasks.put(id, node.nodeId()));
    }
    assertThat(tasks.values()).as("one task per node").containsExactlyInAnyOrder(first.nodeId(), second.nodeId(), worker.nodeId());
    return tasks;
  }

  private static String taskOn(Map<String, String> tasks, NodeIdentity node) {
    return tasks.entrySet().stream().filter(e -> e.getValue().equals(node.nodeId())).map(Map.Entry::getKey).findFirst().orElseThrow();
  }

  /** The CLI's lines grouped by task ID, in order. */
  private static Map<String, List<String>> byTask(String out) {
    return DockerCli.lines(out).stream().map(LINE::matcher).filter(Matcher::matches)
        .collect(Collectors.groupingBy(m -> m.group(1), Collectors.mapping(m -> m.group(2), Collectors.toList())));
  }

  /** The manager whose dispatcher holds the node's session ({@code Status.Dispatcher}). */
  private String holder(NodeIdentity node) {
    try {
      return Json.string(new StoreClient(instances.get(0).eventBus()).get(Kind.NODES, node.nodeId()).await(10, TimeUnit.SECONDS), "Status.Dispatcher");
    } catch (Exception e) {
      return null;
    }
  }

  private static String read(File f) {
    try {
      return Files.readString(f.toPath());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
