package io.enxame.scheduler.dispatcher;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.Hello;
import io.enxame.shared.dispatcher.StatusBatch;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.model.Times;
import io.enxame.shared.store.ChangeEvent;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gRPC endpoint node-agents keep a session with: it registers the node, streams each node the
 * tasks assigned to it, and writes the task statuses agents observe into the store (forward only).
 * A node that stops heartbeating for three periods is marked down.
 */
public final class DispatcherServer {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherServer.class);

  private final Vertx vertx;
  private final ClusterView view;
  private final StoreClient store;
  private final Map<String, NodeSession> sessions = new HashMap<>();
  private HttpServer server;
  private long heartbeatTimer = -1;
  private boolean stopping;
  private boolean tls;

  public DispatcherServer(Vertx vertx, ClusterView view, StoreClient store) {
    this.vertx = vertx;
    this.view = view;
    this.store = store;
  }

  /** With {@code tls}, mutual TLS on the swarm's root: sessions need a node certificate, which names the node. */
  public Future<Integer> listen(String host, int port, Optional<NodeTls> tls) {
    this.tls = tls.isPresent();
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(DispatcherMethods.SESSION_SERVER, this::session);
    new JoinCalls(vertx, view).register(grpc);
    heartbeatTimer = vertx.setPeriodic(1000, id -> expireSilentSessions());
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port);
    return vertx.createHttpServer(tls.map(t -> t.server(options)).orElse(options))
        .requestHandler(grpc).listen().map(s -> {
          server = s;
          return s.actualPort();
        });
  }

  public Future<Void> stop() {
    stopping = true;
    if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
    sessions.values().forEach(NodeSession::close);
    sessions.clear();
    return server == null ? Future.succeededFuture() : server.close();
  }

  private long heartbeatMillis() {
    return view.cluster().map(c -> Json.number(c, "Spec.Dispatcher.HeartbeatPeriod")).map(ns -> ns / 1_000_000).orElse(5000L);
  }

  private void session(GrpcServerRequest<AgentMessage, DispatcherMessage> call) {
    NodeSession session = new NodeSession(call, Ids.newId());
    Optional<NodeTls.Peer> peer = NodeTls.peer(call.connection());
    if (tls && peer.isEmpty()) {
      session.refuse(GrpcStatus.UNAUTHENTICATED, "a node certificate from this swarm's CA is required");
      return;
    }
    call.handler(msg -> {
      session.touch();
      switch (msg.getKindCase()) {
        // The certificate names the node, whatever its hello says.
        case HELLO -> hello(session, peer.map(p -> msg.getHello().toBuilder().setNodeId(p.nodeId()).build()).orElse(msg.getHello()));
        case STATUSES -> statuses(session, msg.getStatuses());
        default -> { } // heartbeat: touch() was the point
      }
    });
    call.endHandler(v -> ended(session));
    call.exceptionHandler(e -> ended(session));
  }

  private void hello(NodeSession session, Hello hello) {
    JsonObject node = view.get(Kind.NODES, hello.getNodeId());
    if (node == null) {
      // Joining new nodes needs a join token and a certificate: that is the security layer's job.
      session.refuse(GrpcStatus.PERMISSION_DENIED, "node " + hello.getNodeId() + " is not part of this swarm");
      LOG.warn("refused a session from unknown node " + hello.getNodeId());
      return;
    }
    session.nodeId(hello.getNodeId());
    NodeSession previous = sessions.put(hello.getNodeId(), session);
    if (previous != null && previous != session) previous.close();
    JsonObject description = hello.getDescriptionJson().isEmpty() ? node.getJsonObject("Description", new JsonObject())
        : new JsonObject(hello.getDescriptionJson());
    JsonObject status = new JsonObject().put("State", "ready").put("Addr", hello.getAddr());
    store.tx(StoreOp.merge(Kind.NODES, hello.getNodeId(), new JsonObject().put("Description", description).put("Status", status)))
        .onSuccess(r -> {
          session.accept(heartbeatMillis());
          session.sendFull(view.tasksOfNode(hello.getNodeId()));
          LOG.info("node " + hello.getNodeId() + " is ready");
        })
        .onFailure(e -> {
          LOG.warn("could not register node " + hello.getNodeId() + ": " + e.getMessage());
          session.close();
        });
  }

  private void statuses(NodeSession session, StatusBatch batch) {
    if (session.nodeId() == null) return;
    List<JsonObject> ops = new ArrayList<>();
    for (TaskStatus s : batch.getStatusesList()) {
      statusOp(session.nodeId(), s).ifPresent(ops::add);
    }
    if (!ops.isEmpty()) {
      store.tx(ops).onFailure(e -> LOG.warn("task statuses from " + session.nodeId() + " not recorded: " + e.getMessage()));
    }
  }

  /** A status is recorded only for a task of this node and only if it moves the task forward. */
  private Optional<JsonObject> statusOp(String nodeId, TaskStatus s) {
    JsonObject task = view.get(Kind.TASKS, s.getTaskId());
    Optional<TaskState> next = TaskState.fromWire(s.getState());
    if (task == null || next.isEmpty() || !nodeId.equals(task.getString("NodeID"))) return Optional.empty();
    TaskState current = Tasks.observed(task);
    if (!current.canMoveTo(next.get())) return Optional.empty();
    JsonObject containerStatus = new JsonObject().put("ContainerID", s.getContainerId()).put("PID", s.getPid())
        .put("ExitCode", s.getExitCode());
    JsonObject status = new JsonObject()
        .put("Timestamp", Times.format(Times.fromNanos(s.getTimestampNanos())))
        .put("State", next.get().wire())
        .put("Message", s.getMessage())
        .put("ContainerStatus", containerStatus)
        .put("PortStatus", new JsonObject());
    if (!s.getErr().isEmpty()) status.put("Err", s.getErr());
    JsonObject old = task.getJsonObject("Status", new JsonObject());
    if (current == next.get() && sameObservation(old, status)) return Optional.empty();
    return Optional.of(StoreOp.mergeIfExists(Kind.TASKS, s.getTaskId(), new JsonObject().put("Status", status)));
  }

  private static boolean sameObservation(JsonObject old, JsonObject now) {
    return now.getString("Message").equals(old.getString("Message"))
        && String.valueOf(now.getString("Err")).equals(String.valueOf(old.getString("Err")))
        && now.getJsonObject("ContainerStatus").equals(old.getJsonObject("ContainerStatus"));
  }

  /** Streams each affected node the tasks this change touched. */
  public void onChange(ChangeEvent event, List<JsonObject> removedTasks) {
    for (Object o : event.changes()) {
      JsonObject change = (JsonObject) o;
      if (Kind.NODES.wire().equals(change.getString("kind")) && "delete".equals(change.getString("action"))) {
        removed(change.getString("id"));
        continue;
      }
      if (!Kind.TASKS.wire().equals(change.getString("kind")) || change.getJsonObject("object") == null) continue;
      JsonObject task = change.getJsonObject("object");
      NodeSession s = sessions.get(task.getString("NodeID", ""));
      if (s != null) s.queueChanged(task);
    }
    for (JsonObject gone : removedTasks) {
      NodeSession s = sessions.get(gone.getString("NodeID", ""));
      if (s != null) s.queueRemoved(gone.getString("ID"));
    }
    sessions.values().forEach(NodeSession::flush);
  }

  /** After the view was re-read: every node gets its whole assignment set again. */
  public void resendAll() {
    sessions.values().forEach(s -> s.sendFull(view.tasksOfNode(s.nodeId())));
  }

  /** {@code docker node rm}: the node's session ends now, and its certificate opens no new one (the node is unknown). */
  private void removed(String nodeId) {
    NodeSession session = sessions.remove(nodeId);
    if (session == null) return;
    session.refuse(GrpcStatus.PERMISSION_DENIED, "node " + nodeId + " was removed from the swarm");
    LOG.info("node " + nodeId + " was removed: session closed");
  }

  private void expireSilentSessions() {
    long limit = heartbeatMillis() * 3_000_000L;
    new ArrayList<>(sessions.values()).stream().filter(s -> s.silentNanos() > limit).forEach(s -> {
      LOG.warn("node " + s.nodeId() + " missed its heartbeats");
      s.close();
      ended(s);
    });
  }

  private void ended(NodeSession session) {
    session.close();
    String nodeId = session.nodeId();
    if (nodeId == null || stopping || !sessions.remove(nodeId, session)) return;
    store.tx(StoreOp.mergeIfExists(Kind.NODES, nodeId, new JsonObject().put("Status", new JsonObject()
            .put("State", "down").put("Message", "heartbeat failure").put("Addr", Json.string(view.get(Kind.NODES, nodeId), "Status.Addr")))))
        .onFailure(e -> LOG.warn("could not mark node " + nodeId + " down: " + e.getMessage()));
  }
}
