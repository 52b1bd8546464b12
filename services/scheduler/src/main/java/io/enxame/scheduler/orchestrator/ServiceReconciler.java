package io.enxame.scheduler.orchestrator;

import io.enxame.scheduler.placement.NodeLoad;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Desired against actual for one replicated or global service, as pure logic: given the service, its
 * tasks and the nodes, it returns the store operations that move the service toward its spec.
 *
 * <p>A slot is where one task should run: slots 1..Replicas for a replicated service, one per eligible
 * node for a global one (keyed by node id; its tasks have slot 0). A slot holds at most one live task
 * (desired state at or below running) plus its history, except while a start-first update overlaps the
 * new task with the old one.
 *
 * <p>It fills empty slots; replaces dead tasks, and tasks on nodes that went down or were drained, per
 * the restart policy (a delayed replacement is made with desired state "ready" and promoted once
 * {@code CreatedAt + Delay} has passed); shuts down slots no longer wanted; rolls out a new spec as
 * {@link RollingUpdate} decides (stop-first: the new task waits "ready" until the old one has stopped);
 * places unassigned tasks; and prunes task history.
 */
public final class ServiceReconciler {
  /** A dead task whose restart policy forbids a replacement keeps its slot with this desired state. */
  static final String SLOT_DONE = TaskState.COMPLETE.wire();

  public record Result(List<JsonObject> ops, Optional<Instant> wakeAt) {}

  private final JsonObject service;
  private final boolean global;
  private final Map<String, JsonObject> nodes = new LinkedHashMap<>();
  private final Instant now;
  private final int historyLimit;
  private final RestartPolicy restart;
  private final Function<String, Optional<Instant>> runningSince;
  private final Decisions out;

  private ServiceReconciler(JsonObject service, Collection<JsonObject> nodes, NodeLoad load, Instant now, int historyLimit,
                            Function<String, Optional<Instant>> runningSince) {
    this.service = service;
    this.global = Json.object(service, "Spec.Mode.Global") != null;
    nodes.forEach(n -> this.nodes.put(n.getString("ID"), n));
    this.out = new Decisions(service, global, nodes, load, now);
    this.now = now;
    this.historyLimit = Math.max(1, historyLimit);
    this.restart = RestartPolicy.of(service);
    this.runningSince = runningSince;
  }

  public static boolean handles(JsonObject service) {
    return Json.object(service, "Spec.Mode.Replicated") != null || Json.object(service, "Spec.Mode.Global") != null;
  }

  public static Result reconcile(JsonObject service, List<JsonObject> tasks, Collection<JsonObject> nodes, NodeLoad load,
                                 Instant now, int historyLimit, Function<String, Optional<Instant>> runningSince) {
    ServiceReconciler r = new ServiceReconciler(service, nodes, load, now, historyLimit, runningSince);
    r.run(tasks);
    return r.out.result();
  }

  private void run(List<JsonObject> tasks) {
    Map<String, List<JsonObject>> slots = new LinkedHashMap<>();
    for (String key : wantedSlots()) slots.put(key, new ArrayList<>());
    List<JsonObject> unwanted = new ArrayList<>();
    for (JsonObject t : tasks.stream().sorted(Comparator.comparing(RollingUpdate::createdAt)).toList()) {
      List<JsonObject> slot = slots.get(out.slotKey(t));
      if (slot != null) slot.add(t);
      else if (!out.onPausedNode(t)) unwanted.add(t);
    }
    retire(unwanted);

    List<JsonObject> live = new ArrayList<>();
    for (Map.Entry<String, List<JsonObject>> e : slots.entrySet()) {
      reconcileSlot(e.getKey(), e.getValue()).ifPresent(live::add);
      prune(e.getValue());
    }
    RollingUpdate.Plan plan = RollingUpdate.plan(service, live, tasks, slots.size(), runningSince, now);
    plan.serviceOp().ifPresent(out.ops::add);
    plan.wakeAt().ifPresent(out::wakeAt);
    for (JsonObject old : plan.replace()) {
      if (plan.startFirst()) {
        out.createTask(out.slotKey(old), TaskState.RUNNING.wire());
      } else {
        out.setDesired(old, TaskState.SHUTDOWN.wire());
        out.createTask(out.slotKey(old), TaskState.READY.wire()); // runs once the old task has stopped
      }
    }
  }

  private List<String> wantedSlots() {
    if (!global) {
      long replicas = Optional.ofNullable(Json.number(service, "Spec.Mode.Replicated.Replicas")).orElse(1L);
      List<String> keys = new ArrayList<>();
      for (long s = 1; s <= replicas; s++) keys.add(Long.toString(s));
      return keys;
    }
    return out.wantedNodes();
  }

  /** Settles one slot and returns the task that holds it now, if any. */
  private Optional<JsonObject> reconcileSlot(String key, List<JsonObject> history) {
    List<JsonObject> live = new ArrayList<>(history.stream().filter(ServiceReconciler::isLive).toList());
    // A task on a node that is gone, down or drained will not run again: it is dead for the orchestrator.
    for (JsonObject t : List.copyOf(live)) {
      if (!global && lostNode(t)) {
        out.setDesired(t, TaskState.SHUTDOWN.wire());
        live.remove(t);
        if (live.stream().noneMatch(x -> !Tasks.observed(x).isTerminal())) out.createTask(key, TaskState.RUNNING.wire());
        return Optional.empty();
      }
    }
    List<JsonObject> running = live.stream().filter(t -> !Tasks.observed(t).isTerminal()).toList();
    for (JsonObject dead : live.stream().filter(t -> Tasks.observed(t).isTerminal()).toList()) {
      if (!running.isEmpty()) { // another task holds the slot (a start-first update): nothing to restart
        out.setDesired(dead, TaskState.SHUTDOWN.wire());
        continue;
      }
      boolean replace = restart.restartsAfter(Tasks.observed(dead).wire()) && restart.withinMaxAttempts(history, now);
      out.setDesired(dead, replace ? TaskState.SHUTDOWN.wire() : SLOT_DONE);
      if (replace) out.createTask(key, (restart.delay().isZero() ? TaskState.RUNNING : TaskState.READY).wire());
      return Optional.empty();
    }
    if (!running.isEmpty()) {
      JsonObject newest = running.get(running.size() - 1);
      // Older tasks in the slot are mid-replacement. Start-first keeps them until the new one runs.
      boolean overlap = Tasks.observed(newest).rank() < TaskState.RUNNING.rank()
          && TaskState.RUNNING.wire().equals(newest.getString("DesiredState")) && Tasks.isUpToDate(newest, service);
      if (!overlap) running.subList(0, running.size() - 1).forEach(t -> out.setDesired(t, TaskState.SHUTDOWN.wire()));
      promoteOrPlace(key, newest, history);
      return Optional.of(newest);
    }
    JsonObject last = history.isEmpty() ? null : history.get(history.size() - 1);
    boolean slotDone = last != null && SLOT_DONE.equals(last.getString("DesiredState")) && Tasks.isUpToDate(last, service);
    if (!slotDone) out.createTask(key, TaskState.RUNNING.wire());
    return Optional.empty();
  }

  private boolean lostNode(JsonObject task) {
    String nodeId = task.getString("NodeID", "");
    if (nodeId.isEmpty()) return false;
    JsonObject node = nodes.get(nodeId);
    return node == null || "down".equals(Json.string(node, "Status.State"))
        || "drain".equals(Json.string(node, "Spec.Availability"));
  }

  /**
   * A task made "ready" starts once the task before it in the slot has stopped and, when that one
   * died on its own, the restart delay has passed.
   */
  private void promoteOrPlace(String key, JsonObject task, List<JsonObject> history) {
    if (TaskState.READY.wire().equals(task.getString("DesiredState"))) {
      boolean previousStopped = history.stream()
          .filter(t -> t != task && !t.getString("NodeID", "").isEmpty())
          .allMatch(t -> Tasks.observed(t).isTerminal() || Tasks.observed(t).rank() < TaskState.ASSIGNED.rank());
      Instant due = diedOnItsOwn(history, task) ? RollingUpdate.createdAt(task).plus(restart.delay()) : now;
      if (previousStopped && !due.isAfter(now)) out.setDesired(task, TaskState.RUNNING.wire());
      else if (due.isAfter(now)) out.wakeAt(due);
    }
    out.placeIfWaiting(key, task);
  }

  /** Whether the task before this one in its slot ended by itself (a restart) rather than being replaced. */
  private static boolean diedOnItsOwn(List<JsonObject> history, JsonObject task) {
    int i = history.indexOf(task);
    if (i <= 0) return false;
    TaskState before = Tasks.observed(history.get(i - 1));
    return before.isTerminal() && before != TaskState.SHUTDOWN;
  }

  /** Tasks of slots no longer wanted: shut down what runs, forget what has stopped. */
  private void retire(List<JsonObject> tasks) {
    for (JsonObject t : tasks) {
      if (isLive(t)) out.setDesired(t, TaskState.SHUTDOWN.wire());
      else if (Tasks.observed(t).isTerminal() || t.getString("NodeID", "").isEmpty()) {
        out.ops.add(StoreOp.deleteIfExists(Kind.TASKS, t.getString("ID")));
      }
    }
  }

  /** Keeps at most the history limit of tasks per slot, deleting the oldest stopped ones. */
  private void prune(List<JsonObject> history) {
    int excess = history.size() - historyLimit;
    for (JsonObject t : history) {
      if (excess <= 0) break;
      if (!isLive(t) && Tasks.observed(t).isTerminal() && !SLOT_DONE.equals(t.getString("DesiredState"))) {
        out.ops.add(StoreOp.deleteIfExists(Kind.TASKS, t.getString("ID")));
        excess--;
      }
    }
  }

  static boolean isLive(JsonObject task) { return Tasks.desired(task).rank() <= TaskState.RUNNING.rank(); }
}
