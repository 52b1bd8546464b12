package io.enxame.scheduler.dispatcher;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.LogAck;
import io.enxame.shared.dispatcher.LogBatch;
import io.enxame.shared.dispatcher.LogCancel;
import io.enxame.shared.dispatcher.LogLine;
import io.enxame.shared.dispatcher.LogSubscription;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Relays log subscriptions between readers on the bus (the gateway's {@code docker service logs}) and the
 * nodes that run the tasks (swarmkit's log broker). A subscription goes to every node holding a selected
 * task; while following, a task placed later on any node is added to that node's subscription. Each batch a
 * node sends is forwarded to the reader, and acked to the node only once the reader took it: a node has at
 * most {@link #WINDOW} batches in flight per subscription, so nothing buffers without bound.
 */
final class LogBroker {
  private static final Logger LOG = LoggerFactory.getLogger(LogBroker.class);
  static final int WINDOW = 4;
  /** How often an idle follow checks that its reader is still there (a gateway that died cannot cancel). */
  static final long PROBE_MS = 30_000;
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(60_000);

  private final Vertx vertx;
  private final ClusterView view;
  private final Function<String, NodeSession> sessions;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private long probeTimer = -1;

  LogBroker(Vertx vertx, ClusterView view, Function<String, NodeSession> sessions) {
    this.vertx = vertx;
    this.view = view;
    this.sessions = sessions;
  }

  Future<Void> start() {
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.LOGS_SUBSCRIBE, m -> {
      try {
        subscribe(m.body());
        m.reply(new JsonObject());
      } catch (RuntimeException e) {
        m.reply(Failures.badRequest(String.valueOf(e.getMessage())));
      }
    }));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.LOGS_CANCEL, m -> cancel(m.body().getString("subscriptionId"))));
    probeTimer = vertx.setPeriodic(PROBE_MS, id -> probeReaders());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  Future<Void> stop() {
    if (probeTimer >= 0) vertx.cancelTimer(probeTimer);
    List.copyOf(subscriptions.keySet()).forEach(this::cancel);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** One reader's subscription. */
  private static final class Subscription {
    final String id;
    final String address;
    final Set<String> services = new HashSet<>();
    final Set<String> tasks = new HashSet<>();
    final LogSubscription.Builder options;
    final boolean follow;
    /** Node → tasks it was asked for. */
    final Map<String, Set<String>> asked = new HashMap<>();
    /** Task → its service, as the store said when the task was asked for (it may be pruned since). */
    final Map<String, String> serviceOfTask = new HashMap<>();
    /** Nodes that have not said they are done (unused while following). */
    final Set<String> pending = new HashSet<>();
    final Set<String> errors = new LinkedHashSet<>();
    /** Node → when its session was lost: a follow resumed on reconnect starts there, not again from the start. */
    final Map<String, Long> lostAt = new HashMap<>();
    int inflight;

    Subscription(JsonObject body) {
      id = body.getString("subscriptionId");
      if (id == null || id.isBlank()) throw new IllegalArgumentException("a log subscription needs a subscriptionId");
      address = Addresses.logStream(id);
      body.getJsonArray("services", new JsonArray()).forEach(s -> services.add((String) s));
      body.getJsonArray("tasks", new JsonArray()).forEach(t -> tasks.add((String) t));
      follow = body.getBoolean("follow", false);
      options = LogSubscription.newBuilder().setSubscriptionId(id).setFollow(follow)
          .setTail(body.getLong("tail", -1L)).setSinceNanos(body.getLong("sinceNanos", 0L))
          .setStdout(body.getBoolean("stdout", true)).setStderr(body.getBoolean("stderr", true)).setWindow(WINDOW);
    }

    boolean selects(JsonObject task) {
      boolean selected = tasks.contains(task.getString("ID")) || services.contains(task.getString("ServiceID"));
      if (selected) serviceOfTask.put(task.getString("ID"), task.getString("ServiceID", ""));
      return selected;
    }
  }

  private void subscribe(JsonObject body) {
    Subscription sub = new Subscription(body);
    subscriptions.put(sub.id, sub);
    for (JsonObject task : view.all(Kind.TASKS)) {
      // As swarmkit: without follow, a task that never ran has nothing to say.
      if (!sub.selects(task) || (!sub.follow && Tasks.observed(task).rank() < TaskState.RUNNING.rank())) continue;
      String node = task.getString("NodeID", "");
      if (!node.isEmpty()) sub.asked.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(task.getString("ID"));
    }
    for (Map.Entry<String, Set<String>> e : sub.asked.entrySet()) {
      NodeSession session = sessions.apply(e.getKey());
      if (session == null || session.isClosed()) {
        sub.errors.add("node " + e.getKey() + " is not available");
        continue;
      }
      sub.pending.add(e.getKey());
      session.send(DispatcherMessage.newBuilder().setSubscribeLogs(sub.options.clone().addAllTaskIds(e.getValue())).build());
    }
    maybeEnd(sub);
  }

  /** A task changed: a following subscription that selects it asks its node for it, once. */
  void onTask(JsonObject task) {
    String node = task.getString("NodeID", "");
    if (node.isEmpty()) return;
    for (Subscription sub : subscriptions.values()) {
      if (!sub.follow || !sub.selects(task)) continue;
      if (!sub.asked.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(task.getString("ID"))) continue;
      NodeSession session = sessions.apply(node);
      if (session != null) {
        session.send(DispatcherMessage.newBuilder().setSubscribeLogs(sub.options.clone().addTaskIds(task.getString("ID"))).build());
      }
    }
  }

  void onBatch(String nodeId, LogBatch batch) {
    Subscription sub = subscriptions.get(batch.getSubscriptionId());
    NodeSession session = sessions.apply(nodeId);
    if (sub == null) {
      // The reader is gone: the node must stop reading.
      if (session != null) session.send(cancelMessage(batch.getSubscriptionId()));
      return;
    }
    if (batch.getLinesCount() > 0) forward(sub, nodeId, batch, session);
    if (batch.getDone()) {
      if (!batch.getError().isEmpty()) sub.errors.add(batch.getError());
      sub.pending.remove(nodeId);
      maybeEnd(sub);
    }
  }

  private void forward(Subscription sub, String nodeId, LogBatch batch, NodeSession session) {
    JsonArray lines = new JsonArray();
    for (LogLine l : batch.getLinesList()) {
      lines.add(new JsonObject().put("task", l.getTaskId()).put("service", sub.serviceOfTask.getOrDefault(l.getTaskId(), "")).put("node", nodeId)
          .put("stream", l.getStream()).put("time", l.getTimestampNanos()).put("data", l.getData().toByteArray()));
    }
    sub.inflight++;
    vertx.eventBus().request(sub.address, new JsonObject().put("lines", lines), DELIVERY).onComplete(ar -> {
      sub.inflight--;
      if (ar.failed()) {
        LOG.debug("log reader of {} went away: {}", sub.id, ar.cause().getMessage());
        cancel(sub.id);
        return;
      }
      if (session != null) session.send(DispatcherMessage.newBuilder().setLogAck(LogAck.newBuilder().setSubscriptionId(sub.id)).build());
      maybeEnd(sub);
    });
  }

  /** A node's session ended: what it had not sent is lost, and the reader is told so. */
  void nodeGone(String nodeId) {
    for (Subscription sub : List.copyOf(subscriptions.values())) {
      if (sub.asked.remove(nodeId) == null) continue;
      sub.lostAt.put(nodeId, System.currentTimeMillis() * 1_000_000L);
      if (sub.pending.remove(nodeId)) {
        sub.errors.add("node " + nodeId + " is not available");
        maybeEnd(sub);
      }
    }
  }

  /** A node (re)connected: following subscriptions that lost it ask it again for its selected tasks. */
  void nodeReady(String nodeId) {
    NodeSession session = sessions.apply(nodeId);
    if (session == null) return;
    for (Subscription sub : subscriptions.values()) {
      Long lost = sub.lostAt.remove(nodeId);
      if (!sub.follow || lost == null) continue;
      Set<String> tasks = new LinkedHashSet<>();
      for (JsonObject task : view.tasksOfNode(nodeId)) if (sub.selects(task)) tasks.add(task.getString("ID"));
      if (tasks.isEmpty()) continue;
      sub.asked.put(nodeId, tasks);
      session.send(DispatcherMessage.newBuilder().setSubscribeLogs(sub.options.clone()
          .setSinceNanos(Math.max(sub.options.getSinceNanos(), lost)).addAllTaskIds(tasks)).build());
    }
  }

  /** An empty delivery to each idle follow's reader: one nobody receives any more is cancelled. */
  private void probeReaders() {
    for (Subscription sub : List.copyOf(subscriptions.values())) {
      if (!sub.follow || sub.inflight > 0) continue;
      vertx.eventBus().request(sub.address, new JsonObject().put("lines", new JsonArray()), DELIVERY)
          .onFailure(e -> cancel(sub.id));
    }
  }

  private void maybeEnd(Subscription sub) {
    if (sub.follow || !sub.pending.isEmpty() || sub.inflight > 0 || subscriptions.get(sub.id) != sub) return;
    subscriptions.remove(sub.id);
    vertx.eventBus().send(sub.address, new JsonObject().put("end", true).put("errors", new JsonArray(List.copyOf(sub.errors))));
  }

  private void cancel(String id) {
    Subscription sub = subscriptions.remove(id);
    if (sub == null) return;
    for (String node : sub.asked.keySet()) {
      NodeSession session = sessions.apply(node);
      if (session != null) session.send(cancelMessage(id));
    }
  }

  private static DispatcherMessage cancelMessage(String id) {
    return DispatcherMessage.newBuilder().setCancelLogs(LogCancel.newBuilder().setSubscriptionId(id)).build();
  }
}
