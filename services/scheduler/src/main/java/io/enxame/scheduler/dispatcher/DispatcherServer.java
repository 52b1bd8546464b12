package io.enxame.scheduler.dispatcher;

import io.enxame.shared.model.SwarmDefaults;
import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.Hello;
import io.enxame.shared.dispatcher.NetworkAddress;
import io.enxame.shared.dispatcher.StatusBatch;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.model.Times;
import io.enxame.shared.store.ChangeEvent;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.vault.VaultClient;
import io.enxame.shared.tls.NodeTls;
import io.enxame.shared.tls.SwarmTrust;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The gRPC endpoint node-agents keep a session with: it registers the node, streams each node the
 * tasks assigned to it, and writes the task statuses agents observe into the store (forward only).
 * A node that stops heartbeating for three periods, or whose stream ends and does not come back within
 * one period, is marked down.
 *
 * <p>With several managers, a node keeps its session with any one of them and moves to another when that one goes
 * away (the accepted session lists every manager's dispatcher). The node's {@code Status.Dispatcher} names the
 * manager that holds its session: a dispatcher marks down only nodes it still holds, so a node that moved on is not
 * marked down behind its back; nodes held by a manager that died are {@link OrphanedNodes}'s business.
 */
public final class DispatcherServer {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherServer.class);
  /** {@code Status.Dispatcher}: the ID of the manager that holds the node's session (an Enxame field). */
  static final String HOLDER = "Dispatcher";

  private final Vertx vertx;
  private final ClusterView view;
  private final StoreClient store;
  private final Map<String, NodeSession> sessions = new HashMap<>();
  private final LogBroker logs;
  private final PayloadDelivery payloads;
  private HttpServer server;
  /** Reaches other managers' dispatchers (the log broker's forwarded subscriptions). */
  private GrpcClient managerClient;
  private long heartbeatTimer = -1;
  private boolean stopping;
  private boolean tls;

  private final RouteTables routes;

  /** This manager's node ID, written as the holder of the sessions it accepts; null with one manager only (tests). */
  private final String self;

  public DispatcherServer(Vertx vertx, ClusterView view, StoreClient store, String self) {
    this.vertx = vertx;
    this.view = view;
    this.store = store;
    this.self = self;
    this.logs = new LogBroker(vertx, view, sessions::get, self);
    this.routes = new RouteTables(vertx, view);
    this.payloads = new PayloadDelivery(new VaultClient(vertx.eventBus()));
  }

  /** With {@code tls}, mutual TLS on the swarm's root: sessions need a node certificate, which names the node. */
  public Future<Integer> listen(String host, int port, Optional<NodeTls> tls) {
    this.tls = tls.isPresent();
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(DispatcherMethods.SESSION_SERVER, this::session);
    grpc.callHandler(DispatcherMethods.ROUTES_SERVER, call -> {
      // The routing table names every task's address: only this swarm's nodes get it, as sessions do.
      if (this.tls && NodeTls.peer(call.connection()).isEmpty()) {
        call.response().status(GrpcStatus.UNAUTHENTICATED).statusMessage("a node certificate from this swarm's CA is required").end();
        return;
      }
      routes.subscribe(call);
    });
    grpc.callHandler(DispatcherMethods.LOGS_SERVER, call -> {
      // Task logs go to the managers of this swarm only: the caller must be a manager the store still knows as one.
      Optional<String> refused = this.tls ? notAManager(NodeTls.peer(call.connection())) : Optional.empty();
      if (refused.isPresent()) call.response().status(GrpcStatus.PERMISSION_DENIED).statusMessage(refused.get()).end();
      else logs.serveManager(call);
    });
    new JoinCalls(vertx, view, self).register(grpc);
    heartbeatTimer = vertx.setPeriodic(1000, id -> expireSilentSessions());
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port);
    managerClient = tls.map(t -> GrpcClient.client(vertx, t.client(new HttpClientOptions()))).orElseGet(() -> GrpcClient.client(vertx));
    return logs.start(managerClient, this.tls).compose(v -> vertx.createHttpServer(tls.map(t -> t.server(options)).orElse(options))
        .requestHandler(grpc).listen()).map(s -> {
          server = s;
          return s.actualPort();
        });
  }

  public Future<Void> stop() {
    stopping = true;
    if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
    Future<Void> logsStopped = logs.stop();
    sessions.values().forEach(NodeSession::close);
    sessions.clear();
    routes.close();
    return logsStopped.compose(v -> server == null ? Future.succeededFuture() : server.close())
        .compose(v -> managerClient == null ? Future.succeededFuture() : managerClient.close());
  }

  /** Why a caller may not read other nodes' task logs, if it may not: it needs a manager certificate of a manager node. */
  private Optional<String> notAManager(Optional<NodeTls.Peer> peer) {
    JsonObject node = peer.filter(NodeTls.Peer::manager).map(p -> view.get(Kind.NODES, p.nodeId())).orElse(null);
    if (node != null && "manager".equals(Json.string(node, "Spec.Role"))) return Optional.empty();
    return Optional.of("a manager certificate from this swarm's CA is required to read task logs through this dispatcher");
  }

  private long heartbeatMillis() {
    return view.cluster().map(c -> Json.number(c, "Spec.Dispatcher.HeartbeatPeriod")).map(ns -> ns / 1_000_000).orElse(SwarmDefaults.HEARTBEAT_MILLIS);
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
        case LOGS -> {
          if (session.nodeId() != null) logs.onBatch(session.nodeId(), msg.getLogs());
        }
        case TLS_INFO -> tlsInfo(session, msg.getTlsInfo().getJson());
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
    if (!hello.getPublicKey().isEmpty()) session.publicKey(hello.getPublicKey().toByteArray());
    NodeSession previous = sessions.put(hello.getNodeId(), session);
    if (previous != null && previous != session) {
      previous.close();
      logs.nodeGone(hello.getNodeId()); // log streams die with the stream that carried them
    }
    JsonObject description = hello.getDescriptionJson().isEmpty() ? node.getJsonObject("Description", new JsonObject())
        : new JsonObject(hello.getDescriptionJson());
    if (!hello.getTlsInfoJson().isEmpty()) description.put("TLSInfo", new JsonObject(hello.getTlsInfoJson()));
    JsonObject status = new JsonObject().put("State", "ready").put("Addr", hello.getAddr());
    if (self != null) status.put(HOLDER, self);
    store.tx(StoreOp.merge(Kind.NODES, hello.getNodeId(), new JsonObject().put("Description", description).put("Status", status)))
        .onSuccess(r -> {
          session.accept(heartbeatMillis(), managers());
          sendFull(session);
          trust().ifPresent(session::sendTrust);
          session.sendRole(Json.string(node, "Spec.Role"));
          logs.nodeReady(hello.getNodeId());
          LOG.info("node " + hello.getNodeId() + " is ready");
        })
        .onFailure(e -> {
          LOG.warn("could not register node " + hello.getNodeId() + ": " + e.getMessage());
          session.close();
        });
  }

  /**
   * The node's {@code Description.TLSInfo} (its CA file and its certificate's issuer) changed: what a root rotation
   * waits for. The rest of the description is the agent's hello's.
   */
  private void tlsInfo(NodeSession session, String json) {
    JsonObject node = session.nodeId() == null ? null : view.get(Kind.NODES, session.nodeId());
    if (node == null || json.isEmpty()) return;
    JsonObject description = node.getJsonObject("Description", new JsonObject()).copy().put("TLSInfo", new JsonObject(json));
    store.tx(StoreOp.mergeIfExists(Kind.NODES, session.nodeId(), new JsonObject().put("Description", description)))
        .onFailure(e -> LOG.warn("TLS info of " + session.nodeId() + " not recorded: " + e.getMessage()));
  }

  /** What every node's TLS material must be now (empty before the swarm has a CA, or without TLS). */
  private Optional<SwarmTrust> trust() {
    return tls ? view.cluster().flatMap(SwarmTrust::of) : Optional.empty();
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
    JsonArray attachments = s.getAddressesCount() == 0 ? null : Tasks.withAddresses(task.getJsonArray("NetworksAttachments"),
        s.getAddressesList().stream().collect(Collectors.groupingBy(NetworkAddress::getNetworkId, LinkedHashMap::new,
            Collectors.mapping(NetworkAddress::getAddress, Collectors.toList()))));
    boolean newAddresses = attachments != null && !attachments.equals(task.getJsonArray("NetworksAttachments"));
    if (current == next.get() && sameObservation(old, status) && !newAddresses) return Optional.empty();
    JsonObject fields = new JsonObject().put("Status", status);
    if (newAddresses) fields.put("NetworksAttachments", attachments);
    return Optional.of(StoreOp.mergeIfExists(Kind.TASKS, s.getTaskId(), fields));
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
      if (Kind.NODES.wire().equals(change.getString("kind"))) {
        if ("delete".equals(change.getString("action"))) {
          removed(change.getString("id"));
        } else {
          NodeSession s = sessions.get(change.getString("id"));
          if (s != null) s.sendRole(Json.string(change.getJsonObject("object", new JsonObject()), "Spec.Role"));
          logs.onNode(change.getString("id")); // a follow that lost the node finds it with its new holder
        }
        continue;
      }
      if (!Kind.TASKS.wire().equals(change.getString("kind")) || change.getJsonObject("object") == null) continue;
      JsonObject task = change.getJsonObject("object");
      NodeSession s = sessions.get(task.getString("NodeID", ""));
      if (s != null) {
        s.queueChanged(task);
        payloads.deliver(s, List.of(task));
      }
      logs.onTask(task);
    }
    for (JsonObject gone : removedTasks) {
      NodeSession s = sessions.get(gone.getString("NodeID", ""));
      if (s != null) s.queueRemoved(gone.getString("ID"));
    }
    sessions.values().forEach(NodeSession::flush);
    routes.changed();
    trust().ifPresent(t -> sessions.values().forEach(s -> s.sendTrust(t)));
  }

  /** After the view was re-read: every node gets its whole assignment set again. */
  public void resendAll() {
    sessions.values().forEach(this::sendFull);
    routes.changed();
    trust().ifPresent(t -> sessions.values().forEach(s -> s.sendTrust(t)));
  }

  private void sendFull(NodeSession session) {
    List<JsonObject> tasks = view.tasksOfNode(session.nodeId());
    session.sendFull(tasks);
    payloads.deliver(session, tasks);
  }

  /** {@code docker node rm}: the node's session ends now, and its certificate opens no new one (the node is unknown). */
  private void removed(String nodeId) {
    NodeSession session = sessions.remove(nodeId);
    if (session == null) return;
    session.refuse(GrpcStatus.PERMISSION_DENIED, "node " + nodeId + " was removed from the swarm");
    LOG.info("node " + nodeId + " was removed: session closed");
  }

  private void expireSilentSessions() {
    long period = heartbeatMillis();
    // An agent accepted before the period was lowered still beats at the old one until it reconnects.
    new ArrayList<>(sessions.values()).stream().filter(s -> s.silentNanos() > Math.max(period, s.heartbeatMillis()) * 3_000_000L).forEach(s -> {
      LOG.warn("node " + s.nodeId() + " missed its heartbeats");
      s.close();
      if (sessions.remove(s.nodeId(), s)) {
        logs.nodeGone(s.nodeId());
        markDown(s.nodeId());
      }
    });
  }

  private void ended(NodeSession session) {
    session.close();
    String nodeId = session.nodeId();
    if (nodeId == null || stopping || !sessions.remove(nodeId, session)) return;
    logs.nodeGone(nodeId); // its log streams ended with the stream; a reconnect resumes follows (nodeReady)
    // A dropped stream may be an agent restarting: the node is down (and its tasks are replaced elsewhere)
    // only when it has not come back within a heartbeat period.
    vertx.setTimer(heartbeatMillis(), t -> {
      if (!stopping && !sessions.containsKey(nodeId)) markDown(nodeId);
    });
  }

  /** The dispatcher address of every manager the store knows. */
  private List<String> managers() {
    return view.all(Kind.NODES).stream().filter(n -> "manager".equals(Json.string(n, "Spec.Role")))
        .map(n -> Json.string(n, "ManagerStatus.Addr")).filter(a -> a != null && !a.isEmpty()).toList();
  }

  private void markDown(String nodeId) { markDown(vertx, view, store, nodeId, self, 0); }

  /**
   * Marks a node down if {@code holder} still holds its session (null: whoever does), demanding the version read so
   * that a node that reconnected elsewhere meanwhile stays ready; a view that lagged behind is read again.
   */
  static void markDown(Vertx vertx, ClusterView view, StoreClient store, String nodeId, String holder, int attempt) {
    JsonObject node = view.get(Kind.NODES, nodeId);
    if (node == null || !"ready".equals(Json.string(node, "Status.State"))) return;
    String held = Json.string(node, "Status." + HOLDER);
    if (holder != null && held != null && !holder.equals(held)) return;
    JsonObject down = new JsonObject().put("State", "down").put("Message", "heartbeat failure").put("Addr", Json.string(node, "Status.Addr"));
    store.tx(StoreOp.merge(Kind.NODES, nodeId, new JsonObject().put("Status", down)).put("version", Json.version(node)))
        .onFailure(e -> {
          if (Failures.statusOf(e) == Failures.CONFLICT && attempt < 10) {
            vertx.setTimer(200, t -> markDown(vertx, view, store, nodeId, holder, attempt + 1));
          } else if (Failures.statusOf(e) != Failures.NOT_FOUND) {
            LOG.warn("could not mark node " + nodeId + " down: " + e.getMessage());
          }
        });
  }
}
