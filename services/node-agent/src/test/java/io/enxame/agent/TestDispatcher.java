package io.enxame.agent;

import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.Assignments;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.Hello;
import io.enxame.shared.dispatcher.SessionAccepted;
import io.enxame.shared.dispatcher.TaskStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A minimal dispatcher for tests: accepts every node, records what agents send, sends what the test says. */
final class TestDispatcher {
  final List<Hello> hellos = new CopyOnWriteArrayList<>();
  final List<TaskStatus> statuses = new CopyOnWriteArrayList<>();
  final AtomicInteger heartbeats = new AtomicInteger();
  private final Vertx vertx;
  private volatile GrpcServerRequest<AgentMessage, DispatcherMessage> current;
  private volatile Context context;
  private HttpServer server;
  /** Sent right after acceptance, as the real dispatcher sends the node's full task set. */
  volatile Assignments onHello = Assignments.newBuilder().setFull(true).build();

  TestDispatcher(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Integer> listen(int port) {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(DispatcherMethods.SESSION_SERVER, call -> {
      call.handler(msg -> {
        switch (msg.getKindCase()) {
          case HELLO -> {
            hellos.add(msg.getHello());
            current = call;
            context = vertx.getOrCreateContext();
            call.response().write(DispatcherMessage.newBuilder()
                .setAccepted(SessionAccepted.newBuilder().setSessionId("s" + hellos.size()).setHeartbeatPeriodMillis(200)).build());
            call.response().write(DispatcherMessage.newBuilder().setAssignments(onHello).build());
          }
          case HEARTBEAT -> heartbeats.incrementAndGet();
          case STATUSES -> statuses.addAll(msg.getStatuses().getStatusesList());
          default -> { }
        }
      });
      call.exceptionHandler(e -> { });
    });
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)).requestHandler(grpc).listen()
        .map(s -> {
          server = s;
          return s.actualPort();
        });
  }

  Future<Void> close() {
    current = null;
    return server.close();
  }

  void send(Assignments assignments) {
    GrpcServerRequest<AgentMessage, DispatcherMessage> call = current;
    if (call == null) throw new IllegalStateException("no agent session");
    context.runOnContext(v -> call.response().write(DispatcherMessage.newBuilder().setAssignments(assignments).build()));
  }

  static Assignments full(JsonObject... tasks) {
    Assignments.Builder b = Assignments.newBuilder().setFull(true);
    for (JsonObject t : tasks) b.addTasksJson(t.encode());
    return b.build();
  }

  static Assignments changed(JsonObject... tasks) {
    Assignments.Builder b = Assignments.newBuilder();
    for (JsonObject t : tasks) b.addTasksJson(t.encode());
    return b.build();
  }
}
