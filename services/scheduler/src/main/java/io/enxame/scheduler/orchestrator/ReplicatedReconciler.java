package io.enxame.scheduler.orchestrator;

import io.enxame.scheduler.placement.NodeLoad;
import io.enxame.scheduler.placement.Placement;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.model.Times;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Desired against actual for one replicated service, as pure logic: given the service, its tasks
 * and the nodes, it returns the store operations that move the service toward its spec. Slots run
 * 1..Replicas; each slot holds at most one live task (desired state at or below running).
 *
 * <p>It fills empty slots, replaces dead tasks per the restart policy (delayed restarts are made
 * with desired state "ready" and promoted once {@code CreatedAt + Delay} has passed), shuts down
 * slots above the replica count, replaces out-of-date tasks {@code UpdateConfig.Parallelism} at a
 * time, places unassigned tasks, reports UpdateStatus and prunes task history.
 */
public final class ReplicatedReconciler {
  /** A dead task whose restart policy forbids a replacement keeps its slot with this desired state. */
  static final String SLOT_DONE = TaskState.COMPLETE.wire();

  public record Result(List<JsonObject> ops, Optional<Instant> wakeAt) {}

  private final JsonObject service;
  private final Collection<JsonObject> nodes;
  private final NodeLoad load;
  private final Instant now;
  private final int historyLimit;
  private final RestartPolicy restart;
  private final List<JsonObject> ops = new ArrayList<>();
  private Instant wakeAt;

  private ReplicatedReconciler(JsonObject service, Collection<JsonObject> nodes, NodeLoad load, Instant now, int historyLimit) {
    this.service = service;
    this.nodes = nodes;
    this.load = load;
    this.now = now;
    this.historyLimit = Math.max(1, historyLimit);
    this.restart = RestartPolicy.of(service);
  }

  public static boolean handles(JsonObject service) { return Json.object(service, "Spec.Mode.Replicated") != null; }

  public static Result reconcile(JsonObject service, List<JsonObject> tasks, Collection<JsonObject> nodes,
                                 NodeLoad load, Instant now, int historyLimit) {
    ReplicatedReconciler r = new ReplicatedReconciler(service, nodes, load, now, historyLimit);
    r.run(tasks);
    return new Result(r.ops, Optional.ofNullable(r.wakeAt));
  }

  private void run(List<JsonObject> tasks) {
    long replicas = Optional.ofNullable(Json.number(service, "Spec.Mode.Replicated.Replicas")).orElse(1L);
    Map<Long, List<JsonObject>> slots = new TreeMap<>();
    for (JsonObject t : tasks) slots.computeIfAbsent(t.getLong("Slot", 0L), s -> new ArrayList<>()).add(t);
    slots.values().forEach(l -> l.sort(Comparator.comparing(ReplicatedReconciler::createdAt)));
    for (long s = 1; s <= replicas; s++) slots.putIfAbsent(s, new ArrayList<>());

    List<JsonObject> outdated = new ArrayList<>();
    int updatesInFlight = 0;
    for (Map.Entry<Long, List<JsonObject>> e : slots.entrySet()) {
      long slot = e.getKey();
      List<JsonObject> history = e.getValue();
      if (slot < 1 || slot > replicas) {
        retire(history);
        continue;
      }
      Optional<JsonObject> live = reconcileSlot(slot, history);
      if (live.isPresent()) {
        JsonObject task = live.get();
        if (!Tasks.isUpToDate(task, service)) outdated.add(task);
        else if (Tasks.observed(task).rank() < TaskState.RUNNING.rank() && isUpdating()) updatesInFlight++;
        promoteOrPlace(task);
      }
      prune(history);
    }
    rollOut(outdated, updatesInFlight);
  }

  /** Settles one slot and returns its live task, if it keeps one that is not being replaced now. */
  private Optional<JsonObject> reconcileSlot(long slot, List<JsonObject> history) {
    List<JsonObject> live = history.stream().filter(ReplicatedReconciler::isLive).toList();
    for (JsonObject dead : live.stream().filter(t -> Tasks.observed(t).isTerminal()).toList()) {
      boolean replace = restart.restartsAfter(Tasks.observed(dead).wire()) && withinMaxAttempts(history);
      setDesired(dead, replace ? TaskState.SHUTDOWN.wire() : SLOT_DONE);
      if (replace) {
        createTask(slot, restart.delay().isZero() ? TaskState.RUNNING : TaskState.READY);
      }
      return Optional.empty();
    }
    if (!live.isEmpty()) {
      // More than one live task in a slot only happens mid-replacement; the newest one stays.
      live.subList(0, live.size() - 1).forEach(t -> setDesired(t, TaskState.SHUTDOWN.wire()));
      return Optional.of(live.get(live.size() - 1));
    }
    JsonObject last = history.isEmpty() ? null : history.get(history.size() - 1);
    boolean slotDone = last != null && SLOT_DONE.equals(last.getString("DesiredState")) && Tasks.isUpToDate(last, service);
    if (!slotDone) createTask(slot, TaskState.RUNNING);
    return Optional.empty();
  }

  /** Restarts within the policy's window so far (the dead task's own start counts as the first run). */
  private boolean withinMaxAttempts(List<JsonObject> history) {
    if (restart.maxAttempts() <= 0) return true;
    Instant since = restart.window().isZero() ? Instant.MIN : now.minus(restart.window());
    long runs = history.stream()
        .filter(t -> Tasks.observed(t).isTerminal() && !createdAt(t).isBefore(since))
        .count();
    return runs - 1 < restart.maxAttempts();
  }

  private void rollOut(List<JsonObject> outdated, int updatesInFlight) {
    if (outdated.isEmpty()) {
      if (isUpdating() && updatesInFlight == 0) setUpdateStatus("completed", "update completed");
      return;
    }
    if (!isUpdating()) setUpdateStatus("updating", "update in progress");
    long parallelism = Optional.ofNullable(Json.number(service, "Spec.UpdateConfig.Parallelism")).orElse(1L);
    long budget = parallelism == 0 ? outdated.size() : Math.max(0, parallelism - updatesInFlight);
    outdated.stream().limit(budget).forEach(old -> {
      setDesired(old, TaskState.SHUTDOWN.wire());
      createTask(old.getLong("Slot"), TaskState.RUNNING);
    });
  }

  private void promoteOrPlace(JsonObject task) {
    if (TaskState.READY.wire().equals(task.getString("DesiredState"))) {
      Instant due = createdAt(task).plus(restart.delay());
      if (!due.isAfter(now)) setDesired(task, TaskState.RUNNING.wire());
      else wakeAt = wakeAt == null || due.isBefore(wakeAt) ? due : wakeAt;
    }
    if (task.getString("NodeID", "").isEmpty()) {
      JsonObject placed = place();
      // A task that still fits nowhere is rewritten only when the reason changes.
      boolean news = placed.containsKey("NodeID")
          || !Json.string(placed, "Status.Err").equals(Json.string(task, "Status.Err"));
      if (news) ops.add(StoreOp.mergeIfExists(Kind.TASKS, task.getString("ID"), placed));
    }
  }

  /** The fields placement decides for a new or unassigned task: its node and status, or why it waits. */
  private JsonObject place() {
    Placement.Decision d = Placement.place(service.getString("ID"), nodes, load);
    return d.nodeId()
        .map(node -> new JsonObject().put("NodeID", node)
            .put("Status", TaskFactory.status(TaskState.ASSIGNED.wire(), d.explanation(), null, now)))
        .orElseGet(() -> new JsonObject()
            .put("Status", TaskFactory.status(TaskState.PENDING.wire(), "pending task scheduling", d.explanation(), now)));
  }

  /** Slots above the replica count: shut down what runs, forget what has stopped. */
  private void retire(List<JsonObject> history) {
    for (JsonObject t : history) {
      if (isLive(t)) setDesired(t, TaskState.SHUTDOWN.wire());
      else if (Tasks.observed(t).isTerminal() || t.getString("NodeID", "").isEmpty()) {
        ops.add(StoreOp.deleteIfExists(Kind.TASKS, t.getString("ID")));
      }
    }
  }

  /** Keeps at most the history limit of tasks per slot, deleting the oldest stopped ones. */
  private void prune(List<JsonObject> history) {
    int excess = history.size() - historyLimit;
    for (JsonObject t : history) {
      if (excess <= 0) break;
      if (!isLive(t) && Tasks.observed(t).isTerminal() && !SLOT_DONE.equals(t.getString("DesiredState"))) {
        ops.add(StoreOp.deleteIfExists(Kind.TASKS, t.getString("ID")));
        excess--;
      }
    }
  }

  private void createTask(long slot, TaskState desired) {
    JsonObject task = TaskFactory.newTask(service, slot, desired.wire(), now).mergeIn(place());
    ops.add(StoreOp.create(Kind.TASKS, task));
  }

  private void setDesired(JsonObject task, String desired) {
    if (!desired.equals(task.getString("DesiredState"))) {
      ops.add(StoreOp.mergeIfExists(Kind.TASKS, task.getString("ID"), new JsonObject().put("DesiredState", desired)));
    }
  }

  private boolean isUpdating() { return "updating".equals(Json.string(service, "UpdateStatus.State")); }

  private void setUpdateStatus(String state, String message) {
    JsonObject status = new JsonObject().put("State", state).put("Message", message);
    String started = Json.string(service, "UpdateStatus.StartedAt");
    status.put("StartedAt", "updating".equals(state) || started == null ? Times.format(now) : started);
    if (!"updating".equals(state)) status.put("CompletedAt", Times.format(now));
    ops.add(StoreOp.mergeIfExists(Kind.SERVICES, service.getString("ID"), new JsonObject().put("UpdateStatus", status)));
  }

  static boolean isLive(JsonObject task) { return Tasks.desired(task).rank() <= TaskState.RUNNING.rank(); }

  private static Instant createdAt(JsonObject task) {
    String c = task.getString("CreatedAt");
    return c == null ? Instant.EPOCH : Times.parse(c);
  }
}
