package io.enxame.scheduler.dispatcher;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.LogAck;
import io.enxame.shared.dispatcher.LogBatch;
import io.enxame.shared.dispatcher.LogCancel;
import io.enxame.shared.dispatcher.LogSubscription;
import io.enxame.shared.dispatcher.ManagerLogMessage;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Relays log subscriptions between readers and the nodes that run the tasks (swarmkit's log broker). A subscription
 * goes to every node holding a selected task; while following, a task placed later on any node is added to that
 * node's subscription. Each batch a node sends is passed to the reader, and acked to the node only once the reader
 * took it: a node has at most {@link #WINDOW} batches in flight per subscription, so nothing buffers without bound.
 *
 * <p>With several managers, a node's session is held by one of them. The reader of {@code docker service logs} is
 * on the manager whose gateway it called; the nodes whose sessions another manager holds are asked through that
 * manager ({@link ManagerLogLink}, rpc Logs), which serves them as a subscription of its own whose reader is the
 * asking manager ({@link ForwardedLogReader}) and never forwards further. Acks travel back the same way, so the
 * window holds end to end; the reader's end comes once every node, here or there, is done.
 */
final class LogBroker {
  private static final Logger LOG = LoggerFactory.getLogger(LogBroker.class);
  static final int WINDOW = 4;
  /** How often an idle follow checks that its reader is still there (a gateway that died cannot cancel). */
  static final long PROBE_MS = 30_000;

  private final Vertx vertx;
  private final ClusterView view;
  private final Function<String, NodeSession> sessions;
  /** This manager's node ID (null with one manager only): nodes held by another are asked through it. */
  private final String self;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private GrpcClient managers;
  private boolean tls;
  private long probeTimer = -1;

  LogBroker(Vertx vertx, ClusterView view, Function<String, NodeSession> sessions, String self) {
    this.vertx = vertx;
    this.view = view;
    this.sessions = sessions;
    this.self = self;
  }

  /** {@code managers}: the client that reaches other managers' dispatchers (with {@code tls}, with this node's certificate). */
  Future<Void> start(GrpcClient managers, boolean tls) {
    this.managers = managers;
    this.tls = tls;
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.LOGS_SUBSCRIBE, m -> {
      try {
        subscribe(m.body());
        m.reply(new JsonObject());
      } catch (RuntimeException e) {
        m.reply(Failures.badRequest(String.valueOf(e.getMessage())));
      }
    }));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.LOGS_CANCEL, m -> cancel(subscriptions.get(m.body().getString("subscriptionId")))));
    probeTimer = vertx.setPeriodic(PROBE_MS, id -> probeReaders());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  Future<Void> stop() {
    if (probeTimer >= 0) vertx.cancelTimer(probeTimer);
    List.copyOf(subscriptions.values()).forEach(this::cancel);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** One reader's subscription. */
  private static final class Subscription {
    final String id;
    final LogReader reader;
    /** Served for another manager: only the nodes this one holds, never forwarded further. */
    final boolean forwarded;
    final Set<String> services = new HashSet<>();
    final Set<String> tasks = new HashSet<>();
    /** Sent to nodes and to other managers, with the task IDs added per node. */
    final LogSubscription options;
    final boolean follow;
    /** Node → tasks it was asked for. */
    final Map<String, Set<String>> asked = new HashMap<>();
    /** Task → its service, as the store said when the task was asked for (it may be pruned since). */
    final Map<String, String> serviceOfTask = new HashMap<>();
    /** Nodes asked that have not said they are done (never all done while following). */
    final Set<String> pending = new HashSet<>();
    final Set<String> errors = new LinkedHashSet<>();
    /** Node → when its session was lost: a follow resumed on reconnect starts there, not again from the start. */
    final Map<String, Long> lostAt = new HashMap<>();
    /** Other manager → the call that asks it for its nodes' part. */
    final Map<String, ManagerLogLink> links = new HashMap<>();
    /** Node asked through another manager → that manager. */
    final Map<String, String> viaManager = new HashMap<>();
    int inflight;

    Subscription(String id, Function<Subscription, LogReader> reader, boolean forwarded, LogSubscription options) {
      this.id = id;
      this.reader = reader.apply(this);
      this.forwarded = forwarded;
      this.options = options.toBuilder().clearTaskIds().setWindow(WINDOW).build();
      this.follow = options.getFollow();
    }

    boolean selects(JsonObject task) {
      boolean selected = tasks.contains(task.getString("ID")) || services.contains(task.getString("ServiceID"));
      if (selected) serviceOfTask.put(task.getString("ID"), task.getString("ServiceID", ""));
      return selected;
    }
  }

  /** A reader on the bus: {@code {"subscriptionId","services","tasks","follow","tail","sinceNanos","stdout","stderr"}}. */
  private void subscribe(JsonObject body) {
    String id = body.getString("subscriptionId");
    if (id == null || id.isBlank()) throw new IllegalArgumentException("a log subscription needs a subscriptionId");
    LogSubscription options = LogSubscription.newBuilder().setSubscriptionId(id).setFollow(body.getBoolean("follow", false))
        .setTail(body.getLong("tail", -1L)).setSinceNanos(body.getLong("sinceNanos", 0L))
        .setStdout(body.getBoolean("stdout", true)).setStderr(body.getBoolean("stderr", true)).build();
    Subscription sub = new Subscription(id, s -> new BusLogReader(vertx, id, t -> s.serviceOfTask.getOrDefault(t, "")), false, options);
    body.getJsonArray("services", new JsonArray()).forEach(s -> sub.services.add((String) s));
    body.getJsonArray("tasks", new JsonArray()).forEach(t -> sub.tasks.add((String) t));
    subscriptions.put(id, sub);
    askSelected(sub, view.all(Kind.TASKS), options.getSinceNanos());
  }

  /** Asks each node holding some of {@code candidates} that the subscription selects for them, from {@code sinceNanos}. */
  private void askSelected(Subscription sub, Iterable<JsonObject> candidates, long sinceNanos) {
    Map<String, Set<String>> byNode = new HashMap<>();
    for (JsonObject task : candidates) {
      // As swarmkit: without follow, a task that never ran has nothing to say.
      if (!sub.selects(task) || (!sub.follow && Tasks.observed(task).rank() < TaskState.RUNNING.rank())) continue;
      String node = task.getString("NodeID", "");
      if (!node.isEmpty()) byNode.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(task.getString("ID"));
    }
    byNode.forEach((node, tasks) -> ask(sub, node, tasks, sinceNanos));
    maybeEnd(sub);
  }

  /**
   * Asks a node for tasks, through its session here or through the manager that holds it; a node nobody can reach
   * is done at once, with an error.
   */
  private void ask(Subscription sub, String node, Set<String> taskIds, long sinceNanos) {
    Set<String> asked = sub.asked.computeIfAbsent(node, n -> new LinkedHashSet<>());
    Set<String> fresh = new LinkedHashSet<>(taskIds);
    fresh.removeAll(asked);
    if (fresh.isEmpty()) return;
    asked.addAll(fresh);
    LogSubscription request = sub.options.toBuilder().setSinceNanos(sinceNanos).addAllTaskIds(fresh).build();
    NodeSession session = sessions.apply(node);
    if (session != null && !session.isClosed()) {
      sub.viaManager.remove(node);
      sub.pending.add(node);
      session.send(DispatcherMessage.newBuilder().setSubscribeLogs(request).build());
      return;
    }
    Optional<SessionHolder> holder = sub.forwarded ? Optional.empty() : SessionHolder.elsewhere(view, self, node);
    if (holder.isPresent()) {
      sub.viaManager.put(node, holder.get().managerId());
      sub.pending.add(node);
      link(sub, holder.get()).subscribe(request);
      return;
    }
    // A follow asks it when it is back, from the subscription's start (nothing of it was read).
    sub.asked.remove(node);
    if (sub.follow) sub.lostAt.putIfAbsent(node, sinceNanos);
    nodeDone(sub, node, "node " + node + " is not available");
  }

  /** The subscription's call to the manager holding some of its nodes, opened on first use. */
  private ManagerLogLink link(Subscription sub, SessionHolder holder) {
    ManagerLogLink existing = sub.links.get(holder.managerId());
    if (existing != null) return existing;
    ManagerLogLink[] created = new ManagerLogLink[1];
    created[0] = new ManagerLogLink(sub.id, holder.managerId(),
        batch -> fromManager(sub, created[0], batch), cause -> linkEnded(sub, created[0], cause));
    sub.links.put(holder.managerId(), created[0]);
    created[0].open(managers, tls, holder.dispatcher());
    return created[0];
  }

  /** A task changed: a following subscription that selects it asks its node for it, once. */
  void onTask(JsonObject task) {
    String node = task.getString("NodeID", "");
    if (node.isEmpty()) return;
    for (Subscription sub : List.copyOf(subscriptions.values())) {
      if (sub.follow && sub.selects(task)) ask(sub, node, Set.of(task.getString("ID")), sub.options.getSinceNanos());
    }
  }

  /** A batch from a node whose session this manager holds. */
  void onBatch(String nodeId, LogBatch batch) {
    Subscription sub = subscriptions.get(batch.getSubscriptionId());
    NodeSession session = sessions.apply(nodeId);
    if (sub == null) {
      // The reader is gone: the node must stop reading.
      if (session != null) session.send(cancelMessage(batch.getSubscriptionId()));
      return;
    }
    received(sub, nodeId, batch, () -> {
      if (session != null) session.send(DispatcherMessage.newBuilder().setLogAck(LogAck.newBuilder().setSubscriptionId(sub.id)).build());
    });
  }

  /** A batch of one of another manager's nodes, from the call that asked for them. */
  private void fromManager(Subscription sub, ManagerLogLink link, LogBatch batch) {
    if (subscriptions.get(sub.id) != sub || sub.links.get(link.managerId()) != link) return;
    String node = batch.getNodeId();
    received(sub, node, batch, () -> link.ack(node));
    // The holder lost the node's session (or never had it): a follow asks again wherever it reconnects.
    if (batch.getDone() && !batch.getError().isEmpty()) lost(sub, node);
  }

  private void received(Subscription sub, String nodeId, LogBatch batch, Runnable ack) {
    if (batch.getLinesCount() > 0) deliver(sub, nodeId, batch, ack);
    if (batch.getDone()) {
      nodeDone(sub, nodeId, batch.getError());
      maybeEnd(sub);
    }
  }

  private void deliver(Subscription sub, String nodeId, LogBatch batch, Runnable ack) {
    sub.inflight++;
    sub.reader.lines(nodeId, batch).onComplete(ar -> {
      sub.inflight--;
      if (ar.failed()) {
        LOG.debug("log reader of {} went away: {}", sub.id, ar.cause().getMessage());
        cancel(sub);
        return;
      }
      ack.run();
      maybeEnd(sub);
    });
  }

  /** The caller checks {@link #maybeEnd} once it has asked or heard from every node it deals with. */
  private void nodeDone(Subscription sub, String nodeId, String error) {
    sub.pending.remove(nodeId);
    if (!error.isEmpty()) sub.errors.add(error);
    sub.reader.nodeDone(nodeId, error);
  }

  /** The call to another manager ended: its nodes that were not done are lost, and the reader is told so. */
  private void linkEnded(Subscription sub, ManagerLogLink link, Throwable cause) {
    if (!sub.links.remove(link.managerId(), link)) return;
    if (cause != null) LOG.debug("logs of {} through manager {}: {}", sub.id, link.managerId(), cause.getMessage());
    for (Map.Entry<String, String> e : List.copyOf(sub.viaManager.entrySet())) {
      if (!e.getValue().equals(link.managerId())) continue;
      String node = e.getKey();
      lost(sub, node);
      if (sub.pending.contains(node)) {
        nodeDone(sub, node, "node " + node + " is not available" + (cause == null ? "" : " (manager " + link.managerId()
            + ": " + cause.getMessage() + ")"));
      }
    }
    maybeEnd(sub);
  }

  /**
   * Another manager asks for the logs of tasks on nodes this one holds (rpc Logs): a subscription of its own, whose
   * reader is that call. Later subscriptions on the call add tasks; cancelling the call cancels it.
   */
  void serveManager(GrpcServerRequest<ManagerLogMessage, LogBatch> call) {
    Subscription[] served = new Subscription[1];
    call.handler(msg -> {
      switch (msg.getKindCase()) {
        case SUBSCRIBE -> {
          LogSubscription request = msg.getSubscribe();
          if (served[0] == null) {
            String id = request.getSubscriptionId();
            if (id.isBlank() || subscriptions.containsKey(id)) {
              call.response().status(GrpcStatus.INVALID_ARGUMENT).statusMessage("a new subscription ID is required").end();
              return;
            }
            served[0] = new Subscription(id, s -> new ForwardedLogReader(id, call.response()), true, request);
            subscriptions.put(id, served[0]);
          }
          Subscription sub = served[0];
          // Tasks this manager's view has not seen yet are asked for when it does (onTask), while following. A later
          // subscription has a since of its own: a follow resumed after the node was lost.
          sub.tasks.addAll(request.getTaskIdsList());
          askSelected(sub, request.getTaskIdsList().stream().map(t -> view.get(Kind.TASKS, t)).filter(t -> t != null).toList(),
              request.getSinceNanos());
        }
        case ACK -> {
          if (served[0] != null) ((ForwardedLogReader) served[0].reader).acked(msg.getAck().getNodeId());
        }
        default -> { }
      }
    });
    // A cancel arrives as a stream reset (errorHandler); a lost connection as an exception.
    call.errorHandler(e -> callGone(served[0]));
    call.exceptionHandler(e -> callGone(served[0]));
    call.endHandler(v -> callGone(served[0]));
  }

  private void callGone(Subscription sub) {
    if (sub == null) return;
    ((ForwardedLogReader) sub.reader).lost();
    cancel(sub);
  }

  /**
   * The node's lines no longer come (its session or the call through its holder ended): it is asked again for all its
   * tasks when it is back, here or with another manager, and a follow resumes from now.
   */
  private void lost(Subscription sub, String nodeId) {
    sub.viaManager.remove(nodeId);
    sub.asked.remove(nodeId);
    if (sub.follow) sub.lostAt.put(nodeId, System.currentTimeMillis() * 1_000_000L);
  }

  /** A node's session ended: what it had not sent is lost, and the reader is told so. */
  void nodeGone(String nodeId) {
    for (Subscription sub : List.copyOf(subscriptions.values())) {
      if (sub.viaManager.containsKey(nodeId) || !sub.asked.containsKey(nodeId)) continue;
      lost(sub, nodeId);
      if (sub.pending.contains(nodeId)) {
        nodeDone(sub, nodeId, "node " + nodeId + " is not available");
        maybeEnd(sub);
      }
    }
  }

  /** A node (re)connected here: following subscriptions that lost it ask it again for its selected tasks. */
  void nodeReady(String nodeId) { resume(nodeId, true); }

  /** A node changed in the store: one that a follow lost and that another manager holds now is asked there. */
  void onNode(String nodeId) {
    if (SessionHolder.elsewhere(view, self, nodeId).isPresent()) resume(nodeId, false);
  }

  private void resume(String nodeId, boolean here) {
    for (Subscription sub : List.copyOf(subscriptions.values())) {
      if (!sub.follow || (sub.forwarded && !here) || !sub.lostAt.containsKey(nodeId)) continue;
      long lost = sub.lostAt.remove(nodeId);
      Set<String> tasks = new LinkedHashSet<>();
      for (JsonObject task : view.tasksOfNode(nodeId)) if (sub.selects(task)) tasks.add(task.getString("ID"));
      if (!tasks.isEmpty()) ask(sub, nodeId, tasks, Math.max(sub.options.getSinceNanos(), lost));
    }
  }

  /** Checks each idle follow's reader: one that is gone is cancelled. */
  private void probeReaders() {
    for (Subscription sub : List.copyOf(subscriptions.values())) {
      if (!sub.follow || sub.inflight > 0) continue;
      sub.reader.probe().onFailure(e -> cancel(sub));
    }
  }

  private void maybeEnd(Subscription sub) {
    if (sub.follow || !sub.pending.isEmpty() || sub.inflight > 0 || subscriptions.get(sub.id) != sub) return;
    subscriptions.remove(sub.id);
    List.copyOf(sub.links.values()).forEach(ManagerLogLink::finish);
    sub.links.clear();
    sub.reader.end(List.copyOf(sub.errors));
  }

  /** Ends a subscription early: its nodes here stop reading, the managers asked cancel theirs. */
  private void cancel(Subscription sub) {
    if (sub == null || !subscriptions.remove(sub.id, sub)) return;
    for (String node : sub.asked.keySet()) {
      if (sub.viaManager.containsKey(node)) continue;
      NodeSession session = sessions.apply(node);
      if (session != null) session.send(cancelMessage(sub.id));
    }
    List.copyOf(sub.links.values()).forEach(ManagerLogLink::cancel);
    sub.links.clear();
    sub.reader.close();
  }

  private static DispatcherMessage cancelMessage(String id) {
    return DispatcherMessage.newBuilder().setCancelLogs(LogCancel.newBuilder().setSubscriptionId(id)).build();
  }

  /** Open subscriptions (tests). */
  int open() { return subscriptions.size(); }

  /** Nodes a follow lost and will ask again when they are back (tests). */
  Set<String> lost(String subscriptionId) {
    Subscription sub = subscriptions.get(subscriptionId);
    return sub == null ? Set.of() : Set.copyOf(sub.lostAt.keySet());
  }
}
