package io.enxame.agent.exec;

import io.enxame.agent.files.TaskFiles;
import io.enxame.shared.dispatcher.Assignments;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.model.NetworkRefs;
import io.enxame.shared.model.SwarmLabels;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node's worker: one {@link TaskController} per assigned task, containers adopted from a previous run
 * (found by their node label, indexed by task label), orphans removed, and engine events routed to the
 * controller of the task they concern. Everything runs on the agent's event loop.
 */
public final class TaskExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(TaskExecutor.class);
  private static final long EVENTS_RETRY_MIN_MS = 100;
  private static final long EVENTS_RETRY_MAX_MS = 2000;

  private final Vertx vertx;
  private final ContainerRuntime runtime;
  private final String nodeId;
  private final StatusReporter reporter;
  private final TaskFiles files;
  private final Clock clock;
  private final Map<String, TaskController> controllers = new LinkedHashMap<>();
  /** Task id → container id, from the last listing of this node's containers. */
  private final Map<String, String> known = new HashMap<>();
  private ContainerRuntime.Subscription events;
  private long eventsRetryMs = EVENTS_RETRY_MIN_MS;
  private long eventsTimer = -1;
  private boolean closed;

  public TaskExecutor(Vertx vertx, ContainerRuntime runtime, String nodeId, StatusReporter reporter, Clock clock) {
    this(vertx, runtime, TaskFiles.NONE, nodeId, reporter, clock);
  }

  public TaskExecutor(Vertx vertx, ContainerRuntime runtime, TaskFiles files, String nodeId, StatusReporter reporter, Clock clock) {
    this.files = files;
    this.vertx = vertx;
    this.runtime = runtime;
    this.nodeId = nodeId;
    this.reporter = reporter;
    this.clock = clock;
  }

  /** Indexes the containers this node already runs (stopped ones too), so their tasks are adopted, not duplicated. */
  public Future<Void> adopt() {
    return listOwn().onSuccess(refs -> LOG.info("node {}: adopted {} task container(s)", nodeId, refs.size())).mapEmpty();
  }

  private Future<List<ContainerRef>> listOwn() {
    return runtime.list(Map.of(SwarmLabels.NODE_ID, nodeId)).onSuccess(refs -> {
      known.clear();
      for (ContainerRef r : refs) {
        if (r.taskId() == null) continue;
        // Should a task have two containers, the running one is the task's.
        if (r.running() || !known.containsKey(r.taskId())) known.put(r.taskId(), r.id());
      }
    });
  }

  /** Applies one Assignments message; completes when every resulting operation has run. */
  public Future<Void> apply(Assignments assignments) {
    Map<String, JsonObject> tasks = new LinkedHashMap<>();
    for (String json : assignments.getTasksJsonList()) {
      JsonObject task = new JsonObject(json);
      tasks.put(task.getString("ID"), task);
    }
    List<Future<Void>> ops = new ArrayList<>();
    assignments.getRemovedTaskIdsList().forEach(id -> ops.add(removeTask(id)));
    Future<Void> listed = assignments.getFull() ? removeOrphans(tasks.keySet()) : Future.succeededFuture();
    return listed.compose(v -> {
      tasks.values().forEach(task -> ops.add(controller(task).update(task)));
      return Future.join(ops).mapEmpty();
    });
  }

  /** Removes every task of this node: its controller's (container, files, networks), then any container left. */
  public Future<Void> removeAll() {
    List<Future<Void>> removals = new ArrayList<>();
    for (String id : List.copyOf(controllers.keySet())) removals.add(removeTask(id));
    return Future.join(removals).transform(ar -> removeOrphans(Set.of()));
  }

  /** With the complete set of this node's tasks in hand, everything else is an orphan. */
  private Future<Void> removeOrphans(Set<String> assigned) {
    for (String id : List.copyOf(controllers.keySet())) {
      if (!assigned.contains(id)) removeTask(id);
    }
    return listOwn().compose(refs -> Future.join(refs.stream()
        .filter(r -> r.taskId() == null || !assigned.contains(r.taskId()))
        .map(r -> {
          LOG.info("node {}: removing orphaned container {} of task {}", nodeId, r.id(), r.taskId());
          known.remove(r.taskId());
          return runtime.remove(r.id());
        }).toList()))
        .compose(v -> files.retainOnly(assigned))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("node {}: orphan removal failed: {}", nodeId, e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> removeTask(String taskId) {
    TaskController c = controllers.remove(taskId);
    String containerId = known.remove(taskId);
    if (c != null) return c.remove().compose(v -> releaseNetworks(c.task()));
    if (containerId == null) return Future.succeededFuture();
    return runtime.remove(containerId).recover(e -> Future.succeededFuture()).compose(v -> files.release(taskId));
  }

  /** The engine networks of a removed task that no other task of this node uses go too (when nobody else is on them). */
  private Future<Void> releaseNetworks(JsonObject removed) {
    Set<String> unused = new HashSet<>(NetworkRefs.attached(removed));
    controllers.values().forEach(other -> unused.removeAll(NetworkRefs.attached(other.task())));
    return runtime.removeNetworks(unused).recover(e -> Future.succeededFuture());
  }

  private TaskController controller(JsonObject task) {
    String id = task.getString("ID");
    return controllers.computeIfAbsent(id, k -> new TaskController(task, known.get(k), nodeId, runtime, files, reporter, clock));
  }

  /** The latest status of every task this executor knows, for a fresh dispatcher session. */
  public List<TaskStatus> latestStatuses() {
    return controllers.values().stream().map(TaskController::lastStatus).flatMap(Optional::stream).collect(Collectors.toList());
  }

  public Optional<TaskController> controller(String taskId) {
    return Optional.ofNullable(controllers.get(taskId));
  }

  public void onEvent(RuntimeEvent event) {
    if (event.taskId() == null) return;
    TaskController c = controllers.get(event.taskId());
    if (c != null) c.onEvent(event);
  }

  /** Subscribes to engine events; re-subscribes (with backoff) whenever the stream breaks. */
  public Future<Void> watchEvents() {
    if (closed) return Future.succeededFuture();
    return runtime.events(Map.of(SwarmLabels.NODE_ID, nodeId), this::onEvent, this::eventsEnded)
        .onSuccess(s -> {
          if (closed) {
            s.close();
            return;
          }
          events = s;
          eventsRetryMs = EVENTS_RETRY_MIN_MS;
        })
        .onFailure(this::eventsEnded)
        .<Void>mapEmpty()
        .otherwiseEmpty(); // eventsEnded retries; the engine being away for a while is not fatal
  }

  private void eventsEnded(Throwable cause) {
    events = null;
    if (closed) return;
    LOG.warn("node {}: docker event stream ended ({}), re-subscribing in {} ms", nodeId,
        cause == null ? "closed by the engine" : cause.getMessage(), eventsRetryMs);
    eventsTimer = vertx.setTimer(eventsRetryMs, id -> {
      eventsTimer = -1;
      // Events may have been missed while the stream was down: look at every container again.
      watchEvents().onSuccess(v -> {
        if (events != null) controllers.values().forEach(TaskController::reconcile);
      });
    });
    eventsRetryMs = Math.min(eventsRetryMs * 2, EVENTS_RETRY_MAX_MS);
  }

  /** Stops watching; containers keep running so that the next agent re-adopts them. */
  public Future<Void> close() {
    closed = true;
    if (eventsTimer >= 0) vertx.cancelTimer(eventsTimer);
    ContainerRuntime.Subscription s = events;
    events = null;
    return s == null ? Future.succeededFuture() : s.close();
  }
}
