package io.enxame.scheduler.dispatcher;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.Heartbeat;
import io.enxame.shared.dispatcher.LogBatch;
import io.enxame.shared.dispatcher.LogLine;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.testing.Ports;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.server.GrpcServer;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.enxame.shared.testing.Blocking.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two log brokers, each in its own Vert.x with its own bus, as two managers' dispatchers: a reader on the first one's
 * bus reads a task of a node whose session the second holds. The node is this test, speaking the session protocol to
 * the second manager over real gRPC; the managers speak rpc Logs to each other (plaintext here; the certificate check
 * is ServiceLogsAcrossManagersIT's).
 */
class LogForwardingTest {
  private static final String TASK = "t1";
  private static final String SERVICE = "s1";

  private Vertx first;
  private Vertx second;
  private Vertx agentVertx;
  private Manager atFirst;
  private Manager atSecond;
  private int firstPort;
  private int secondPort;
  private final BlockingQueue<DispatcherMessage> toAgent = new LinkedBlockingQueue<>();
  private GrpcClientRequest<AgentMessage, DispatcherMessage> agentCall;

  /** A dispatcher reduced to its log broker: rpc Logs, and sessions that only carry logs. */
  private static final class Manager extends VerticleBase {
    final String self;
    final int port;
    final ClusterView view = new ClusterView();
    final Map<String, NodeSession> sessions = new HashMap<>();
    LogBroker broker;

    Manager(String self, int port, StoreClient.Snapshot snapshot) {
      this.self = self;
      this.port = port;
      view.load(snapshot);
    }

    @Override
    public Future<?> start() {
      broker = new LogBroker(vertx, view, sessions::get, self);
      GrpcServer grpc = GrpcServer.server(vertx);
      grpc.callHandler(DispatcherMethods.LOGS_SERVER, broker::serveManager);
      grpc.callHandler(DispatcherMethods.SESSION_SERVER, call -> {
        NodeSession session = new NodeSession(call, "session-w");
        session.nodeId("w");
        sessions.put("w", session);
        call.handler(m -> {
          if (m.hasLogs()) broker.onBatch("w", m.getLogs());
        });
        Runnable gone = () -> {
          if (sessions.remove("w", session)) broker.nodeGone("w");
        };
        call.errorHandler(e -> gone.run());
        call.exceptionHandler(e -> gone.run());
        call.endHandler(v -> gone.run());
        broker.nodeReady("w");
      });
      return broker.start(GrpcClient.client(vertx), false)
          .compose(v -> vertx.createHttpServer().requestHandler(grpc).listen(port, "127.0.0.1"));
    }
  }

  /** Managers m1 and m2 (m2's dispatcher at {@code secondAddr}), worker w held by m2 running task t1, worker x down. */
  private static StoreClient.Snapshot cluster(String secondAddr) {
    JsonObject m1 = node("m1", "manager", "ready", "m1").put("ManagerStatus", new JsonObject().put("Addr", "127.0.0.1:1"));
    JsonObject m2 = node("m2", "manager", "ready", "m2").put("ManagerStatus", new JsonObject().put("Addr", secondAddr));
    JsonObject task = new JsonObject().put("ID", TASK).put("ServiceID", SERVICE).put("NodeID", "w").put("DesiredState", "running")
        .put("Status", new JsonObject().put("State", "running"));
    JsonObject onDown = new JsonObject().put("ID", "t2").put("ServiceID", SERVICE).put("NodeID", "x").put("DesiredState", "running")
        .put("Status", new JsonObject().put("State", "running"));
    return new StoreClient.Snapshot(1, Map.of(Kind.NODES, List.of(m1, m2, node("w", "worker", "ready", "m2"), node("x", "worker", "down", null)),
        Kind.TASKS, List.of(task, onDown)));
  }

  private static JsonObject node(String id, String role, String state, String holder) {
    JsonObject status = new JsonObject().put("State", state);
    if (holder != null) status.put(DispatcherServer.HOLDER, holder);
    return new JsonObject().put("ID", id).put("Spec", new JsonObject().put("Role", role)).put("Status", status);
  }

  @BeforeEach
  void start() throws Exception {
    first = Vertx.vertx();
    second = Vertx.vertx();
    agentVertx = Vertx.vertx();
    secondPort = Ports.free();
    firstPort = Ports.free();
  }

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : new Vertx[] {agentVertx, first, second}) if (v != null) await(v.close());
  }

  /** Both managers up; the node's session opened on the second. */
  private void managersAndNode() throws Exception {
    atSecond = new Manager("m2", secondPort, cluster("127.0.0.1:" + secondPort));
    await(second.deployVerticle(atSecond));
    atFirst = new Manager("m1", firstPort, cluster("127.0.0.1:" + secondPort));
    await(first.deployVerticle(atFirst));
    openSession(secondPort);
    assertThat(until(() -> on(second, () -> atSecond.sessions.containsKey("w")))).isTrue();
  }

  /** The node's session with the manager listening at {@code port} (the previous one is left to the caller). */
  private void openSession(int port) throws Exception {
    GrpcClient agent = GrpcClient.client(agentVertx);
    Promise<Void> open = Promise.promise();
    agentVertx.runOnContext(v -> agent.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"), DispatcherMethods.SESSION_CLIENT)
        .onSuccess(call -> {
          agentCall = call;
          call.write(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
          call.response().onSuccess(r -> r.handler(toAgent::add));
          open.complete();
        }).onFailure(open::fail));
    await(open.future());
  }

  private <T> T on(Vertx v, java.util.concurrent.Callable<T> what) throws Exception {
    Promise<T> p = Promise.promise();
    v.runOnContext(x -> {
      try {
        p.complete(what.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return await(p.future());
  }

  private static boolean until(java.util.concurrent.Callable<Boolean> check) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (check.call()) return true;
      Thread.sleep(20);
    }
    return false;
  }

  private void fromNode(LogBatch batch) {
    agentVertx.runOnContext(v -> agentCall.write(AgentMessage.newBuilder().setLogs(batch).build()));
  }

  private static LogBatch lines(String subscription, String... data) {
    LogBatch.Builder b = LogBatch.newBuilder().setSubscriptionId(subscription);
    for (String d : data) b.addLines(LogLine.newBuilder().setTaskId(TASK).setStream(1).setTimestampNanos(1).setData(ByteString.copyFromUtf8(d)));
    return b.build();
  }

  /** Subscribes on the first manager's bus; deliveries go to the returned queue, unanswered. */
  private BlockingQueue<Message<JsonObject>> subscribe(String id, boolean follow) throws Exception {
    BlockingQueue<Message<JsonObject>> deliveries = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = first.eventBus().consumer(Addresses.logStream(id), deliveries::add);
    await(consumer.completion());
    await(first.eventBus().request(Addresses.LOGS_SUBSCRIBE, new JsonObject().put("subscriptionId", id)
        .put("services", new JsonArray().add(SERVICE)).put("follow", follow)));
    return deliveries;
  }

  private DispatcherMessage nextToAgent() throws InterruptedException {
    DispatcherMessage m = toAgent.poll(10, TimeUnit.SECONDS);
    assertThat(m).as("a message for the node").isNotNull();
    return m;
  }

  @Test
  void aNodeHeldByTheOtherManagerIsReadThroughItAndAckedOnlyWhenTheReaderTookTheLines() throws Exception {
    managersAndNode();
    BlockingQueue<Message<JsonObject>> deliveries = subscribe("sub1", false);

    DispatcherMessage asked = nextToAgent();
    assertThat(asked.hasSubscribeLogs()).isTrue();
    assertThat(asked.getSubscribeLogs().getTaskIdsList()).containsExactly(TASK);
    assertThat(asked.getSubscribeLogs().getWindow()).isEqualTo(LogBroker.WINDOW);

    fromNode(lines("sub1", "hello\n", "world\n"));
    Message<JsonObject> delivery = deliveries.poll(10, TimeUnit.SECONDS);
    assertThat(delivery).isNotNull();
    JsonObject line = delivery.body().getJsonArray("lines").getJsonObject(0);
    assertThat(line.getString("task")).isEqualTo(TASK);
    assertThat(line.getString("service")).isEqualTo(SERVICE);
    assertThat(line.getString("node")).isEqualTo("w");
    assertThat(new String(line.getBinary("data"))).isEqualTo("hello\n");
    assertThat(toAgent.poll(500, TimeUnit.MILLISECONDS)).as("no ack while the reader has not answered").isNull();
    delivery.reply(null);
    DispatcherMessage ack = nextToAgent();
    assertThat(ack.hasLogAck()).isTrue();
    assertThat(ack.getLogAck().getSubscriptionId()).isEqualTo("sub1");

    fromNode(LogBatch.newBuilder().setSubscriptionId("sub1").setDone(true).build());
    Message<JsonObject> end = deliveries.poll(10, TimeUnit.SECONDS);
    assertThat(end.body().getBoolean("end")).isTrue();
    // x is down: nobody holds its session
    assertThat(end.body().getJsonArray("errors")).containsExactly("node x is not available");
    assertThat(until(() -> on(second, () -> atSecond.broker.open() == 0))).as("the second manager forgot the subscription").isTrue();
  }

  @Test
  void aCancelOnTheReadersManagerReachesTheNodeThroughTheOther() throws Exception {
    managersAndNode();
    BlockingQueue<Message<JsonObject>> deliveries = subscribe("sub2", true);
    assertThat(nextToAgent().hasSubscribeLogs()).isTrue();
    fromNode(lines("sub2", "one\n"));
    deliveries.poll(10, TimeUnit.SECONDS).reply(null);
    assertThat(nextToAgent().hasLogAck()).isTrue();

    first.eventBus().send(Addresses.LOGS_CANCEL, new JsonObject().put("subscriptionId", "sub2"));
    DispatcherMessage cancel = nextToAgent();
    assertThat(cancel.hasCancelLogs()).isTrue();
    assertThat(cancel.getCancelLogs().getSubscriptionId()).isEqualTo("sub2");
    assertThat(until(() -> on(second, () -> atSecond.broker.open() == 0))).isTrue();
  }

  @Test
  void aFollowWhoseNodeMovesToTheReadersManagerGoesOnThereFromWhenItWasLost() throws Exception {
    managersAndNode();
    BlockingQueue<Message<JsonObject>> deliveries = subscribe("sub4", true);
    assertThat(nextToAgent().hasSubscribeLogs()).isTrue();
    long before = System.currentTimeMillis() * 1_000_000L;
    GrpcClientRequest<AgentMessage, DispatcherMessage> old = agentCall;
    agentVertx.runOnContext(v -> old.cancel()); // the node's session with the second manager breaks
    assertThat(until(() -> on(first, () -> atFirst.broker.lost("sub4").contains("w")))).as("the first manager heard").isTrue();

    openSession(firstPort); // and the node comes back with the first
    DispatcherMessage again = nextToAgent();
    assertThat(again.hasSubscribeLogs()).isTrue();
    assertThat(again.getSubscribeLogs().getTaskIdsList()).containsExactly(TASK);
    assertThat(again.getSubscribeLogs().getSinceNanos()).as("from when it was lost").isGreaterThanOrEqualTo(before);
    fromNode(lines("sub4", "after the move\n"));
    assertThat(new String(deliveries.poll(10, TimeUnit.SECONDS).body().getJsonArray("lines").getJsonObject(0).getBinary("data")))
        .isEqualTo("after the move\n");
  }

  @Test
  void aHolderThatCannotBeReachedIsAnErrorForItsNodes() throws Exception {
    // Nothing listens at the second manager's address.
    await(first.deployVerticle(new Manager("m1", firstPort, cluster("127.0.0.1:" + secondPort))));
    BlockingQueue<Message<JsonObject>> deliveries = subscribe("sub3", false);
    Message<JsonObject> end = deliveries.poll(10, TimeUnit.SECONDS);
    assertThat(end.body().getBoolean("end")).isTrue();
    assertThat(end.body().getJsonArray("errors").getList()).hasSize(2).contains("node x is not available")
        .anySatisfy(e -> assertThat((String) e).startsWith("node w is not available (manager m2: "));
  }
}
