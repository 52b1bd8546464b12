package io.enxame.scheduler.dispatcher;

import static io.enxame.shared.testing.Blocking.await;
import static io.enxame.shared.testing.Eventually.until;
import io.enxame.scheduler.SchedulerVerticle;
import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.Heartbeat;
import io.enxame.shared.dispatcher.Hello;
import io.enxame.shared.dispatcher.StatusBatch;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.Times;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.testing.Ports;
import io.enxame.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler against a real single-member store, with this test speaking the dispatcher
 * protocol in the agent's place: assignments reach the node, reported statuses reach the store,
 * and a failed task is replaced in its slot.
 */
class DispatcherIT {
  @TempDir Path dataDir;
  private Vertx vertx;
  private StoreClient store;
  private SchedulerVerticle scheduler;
  private GrpcClient grpc;
  private final Map<String, JsonObject> assigned = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = new StoreClient(vertx.eventBus());
    scheduler = new SchedulerVerticle();
    JsonObject storeConfig = new JsonObject().put("nodeId", "node1").put("dataDir", dataDir.toString())
        .put("raftPort", Ports.free()).put("hostname", "host1");
    await(vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(storeConfig))
        .compose(v -> vertx.deployVerticle(scheduler, new DeploymentOptions().setConfig(new JsonObject().put("dispatcherPort", 0)))));
    grpc = GrpcClient.client(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private GrpcClientRequest<AgentMessage, DispatcherMessage> session(String nodeId) throws Exception {
    GrpcClientRequest<AgentMessage, DispatcherMessage> call =
        await(grpc.request(SocketAddress.inetSocketAddress(scheduler.dispatcherPort(), "127.0.0.1"), DispatcherMethods.SESSION_CLIENT));
    call.response().onSuccess(resp -> resp.handler(msg -> {
      if (msg.hasAssignments()) {
        msg.getAssignments().getTasksJsonList().forEach(j -> {
          JsonObject t = new JsonObject(j);
          assigned.put(t.getString("ID"), t);
        });
        msg.getAssignments().getRemovedTaskIdsList().forEach(assigned::remove);
      }
    }));
    call.write(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNodeId(nodeId).setAddr("127.0.0.1")
        .setDescriptionJson(new JsonObject().put("Hostname", "host1").encode())).build());
    return call;
  }

  private static AgentMessage status(String taskId, String state, String err, int exit) {
    return AgentMessage.newBuilder().setStatuses(StatusBatch.newBuilder().addStatuses(TaskStatus.newBuilder()
        .setTaskId(taskId).setState(state).setErr(err).setExitCode(exit).setContainerId("c-" + taskId)
        .setTimestampNanos(Times.toNanos(Instant.now())))).build();
  }

  private String stateOf(String taskId) {
    try {
      return await(store.get(Kind.TASKS, taskId)).getJsonObject("Status").getString("State");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<JsonObject> tasks() {
    try {
      return await(store.list(Kind.TASKS));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void assignsTasksRecordsStatusesAndReplacesFailures() throws Exception {
    GrpcClientRequest<AgentMessage, DispatcherMessage> call = session("node1");
    until(() -> {
      try {
        return await(store.get(Kind.NODES, "node1"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, n -> "ready".equals(n.getJsonObject("Status").getString("State")));

    JsonObject spec = new JsonObject().put("Name", "web")
        .put("TaskTemplate", new JsonObject().put("ContainerSpec", new JsonObject().put("Image", "busybox"))
            .put("RestartPolicy", new JsonObject().put("Condition", "any").put("Delay", 0)))
        .put("Mode", new JsonObject().put("Replicated", new JsonObject().put("Replicas", 2)));
    await(store.tx(StoreOp.create(Kind.SERVICES, new JsonObject().put("ID", "svc1").put("Spec", spec))));

    until(() -> assigned.size(), n -> n == 2);
    assigned.keySet().forEach(id -> call.write(status(id, "running", "", 0)));
    until(this::tasks, ts -> ts.stream().filter(t -> "running".equals(t.getJsonObject("Status").getString("State"))).count() == 2);

    String victim = assigned.keySet().iterator().next();
    long slot = assigned.get(victim).getLong("Slot");
    call.write(status(victim, "failed", "task: non-zero exit (137)", 137));
    List<JsonObject> after = until(this::tasks, ts -> ts.size() == 3);
    JsonObject dead = after.stream().filter(t -> t.getString("ID").equals(victim)).findFirst().orElseThrow();
    assertThat(dead.getString("DesiredState")).isEqualTo("shutdown");
    assertThat(dead.getJsonObject("Status").getString("Err")).isEqualTo("task: non-zero exit (137)");
    assertThat(after).filteredOn(t -> t.getLong("Slot") == slot && !t.getString("ID").equals(victim))
        .singleElement().satisfies(t -> assertThat(t.getString("DesiredState")).isEqualTo("running"));

    // A status that would move a task backwards is ignored. It travels in one batch with a forward
    // status of the replacement: once that one is recorded, the whole batch has been handled.
    String replacement = after.stream().filter(t -> t.getLong("Slot") == slot && !t.getString("ID").equals(victim))
        .findFirst().orElseThrow().getString("ID");
    call.write(AgentMessage.newBuilder().setStatuses(StatusBatch.newBuilder()
        .addStatuses(status(victim, "running", "", 0).getStatuses().getStatuses(0))
        .addStatuses(status(replacement, "running", "", 0).getStatuses().getStatuses(0))).build());
    until(() -> stateOf(replacement), "running"::equals);
    assertThat(stateOf(victim)).isEqualTo("failed");

    // Removing the service (with its tasks, in one transaction, as the gateway does) empties the node's assignments.
    List<JsonObject> removal = new java.util.ArrayList<>(List.of(StoreOp.delete(Kind.SERVICES, "svc1")));
    tasks().forEach(t -> removal.add(StoreOp.delete(Kind.TASKS, t.getString("ID"))));
    await(store.tx(removal));
    until(() -> assigned.size(), n -> n == 0);
    call.end();
  }

  @Test
  void refusesUnknownNodes() throws Exception {
    GrpcClientRequest<AgentMessage, DispatcherMessage> call =
        await(grpc.request(SocketAddress.inetSocketAddress(scheduler.dispatcherPort(), "127.0.0.1"), DispatcherMethods.SESSION_CLIENT));
    call.write(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNodeId("stranger")).build());
    var response = await(call.response());
    await(response.end().transform(ar -> Future.succeededFuture()));
    assertThat(response.status().name()).isEqualTo("PERMISSION_DENIED");
  }

  private JsonObject node(String id) {
    try {
      return await(store.get(Kind.NODES, id));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A heartbeat period of 300 ms, and a second node the store knows. */
  private void aPeriodOf300MillisAndASecondNode() throws Exception {
    JsonObject cluster = await(store.list(Kind.CLUSTER)).get(0);
    JsonObject spec = cluster.getJsonObject("Spec").copy();
    spec.getJsonObject("Dispatcher").put("HeartbeatPeriod", 300_000_000L);
    await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), new JsonObject().put("Spec", spec))));
    await(store.tx(StoreOp.create(Kind.NODES, new JsonObject().put("ID", "node2")
        .put("Spec", new JsonObject().put("Role", "worker").put("Availability", "active"))
        .put("Status", new JsonObject().put("State", "unknown")))));
  }

  /** Heartbeats on the session every 100 ms, as an agent does at its period, until the returned timer is cancelled. */
  private long beat(GrpcClientRequest<AgentMessage, DispatcherMessage> call) {
    return vertx.setPeriodic(100, t -> call.write(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build()));
  }

  private String nodeState(String id) { return node(id).getJsonObject("Status").getString("State"); }

  private void untilBothNodesAreReady() {
    until(() -> nodeState("node2"), "ready"::equals);
    until(() -> nodeState("node1"), "ready"::equals);
  }

  /** A service of two replicas, once the scheduler has placed one on each node: the IDs of node1's task and node2's. */
  private List<String> aServiceWithATaskOnEachNode() throws Exception {
    JsonObject svc = new JsonObject().put("Name", "web")
        .put("TaskTemplate", new JsonObject().put("ContainerSpec", new JsonObject().put("Image", "busybox")))
        .put("Mode", new JsonObject().put("Replicated", new JsonObject().put("Replicas", 2)));
    await(store.tx(StoreOp.create(Kind.SERVICES, new JsonObject().put("ID", "svc1").put("Spec", svc))));
    List<JsonObject> placed = until(this::tasks, ts -> ts.size() == 2);
    return Stream.of("node1", "node2").map(node -> placed.stream().filter(t -> node.equals(t.getString("NodeID")))
        .findFirst().orElseThrow().getString("ID")).toList();
  }

  @Test
  void aNodeWhoseStreamEndsAndStaysAwayIsDownAndItsTasksMove() throws Exception {
    aPeriodOf300MillisAndASecondNode();
    GrpcClientRequest<AgentMessage, DispatcherMessage> one = session("node1");
    GrpcClientRequest<AgentMessage, DispatcherMessage> two = session("node2");
    untilBothNodesAreReady();

    List<String> placed = aServiceWithATaskOnEachNode();
    String onOne = placed.get(0), onTwo = placed.get(1);
    one.write(status(onOne, "running", "", 0));
    two.write(status(onTwo, "running", "", 0));

    // node1's agent restarts: its stream ends and a new one comes back at once; nothing moves.
    one.end();
    GrpcClientRequest<AgentMessage, DispatcherMessage> again = session("node1");
    long beating = beat(again); // it must not look silent meanwhile
    // node2 goes away for good: down after one heartbeat period, and its task is replaced on node1.
    two.end();
    until(() -> nodeState("node2"), "down"::equals);
    List<JsonObject> moved = until(this::tasks, ts -> ts.stream().anyMatch(t -> !t.getString("ID").equals(onOne)
        && !t.getString("ID").equals(onTwo) && "node1".equals(t.getString("NodeID"))));
    assertThat(moved).filteredOn(t -> t.getString("ID").equals(onTwo)).singleElement()
        .satisfies(t -> assertThat(t.getString("DesiredState")).isEqualTo("shutdown"));
    assertThat(nodeState("node1")).isEqualTo("ready");
    assertThat(moved).filteredOn(t -> t.getString("ID").equals(onOne)).singleElement()
        .satisfies(t -> assertThat(t.getString("DesiredState")).isEqualTo("running"));
    vertx.cancelTimer(beating);
    again.end();
  }

  @Test
  void aNodeThatStaysConnectedButSilentIsDownAfterThreePeriodsAndItsTasksMove() throws Exception {
    aPeriodOf300MillisAndASecondNode();
    GrpcClientRequest<AgentMessage, DispatcherMessage> one = session("node1");
    long oneBeats = beat(one);
    GrpcClientRequest<AgentMessage, DispatcherMessage> two = session("node2");
    long twoBeats = beat(two);
    untilBothNodesAreReady();

    List<String> placed = aServiceWithATaskOnEachNode();
    String onOne = placed.get(0), onTwo = placed.get(1);
    one.write(status(onOne, "running", "", 0));
    two.write(status(onTwo, "running", "", 0));
    until(() -> stateOf(onTwo), "running"::equals);
    // node2 falls silent, its stream left open (a hung agent, a host that froze).
    vertx.cancelTimer(twoBeats);
    long silentFrom = System.nanoTime();

    until(() -> nodeState("node2"), "down"::equals);
    assertThat(Duration.ofNanos(System.nanoTime() - silentFrom)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(node("node2").getJsonObject("Status").getString("Message")).isEqualTo("heartbeat failure");
    // The dispatcher cut it off: its stream is ended from the server's side.
    await(two.response().compose(r -> r.end().transform(ar -> Future.succeededFuture())));
    List<JsonObject> moved = until(this::tasks, ts -> ts.stream().anyMatch(t -> !t.getString("ID").equals(onOne)
        && !t.getString("ID").equals(onTwo) && "node1".equals(t.getString("NodeID"))));
    assertThat(moved).filteredOn(t -> t.getString("ID").equals(onTwo)).singleElement()
        .satisfies(t -> assertThat(t.getString("DesiredState")).isEqualTo("shutdown"));
    assertThat(nodeState("node1")).isEqualTo("ready");
    vertx.cancelTimer(oneBeats);
    one.end();
  }
}
