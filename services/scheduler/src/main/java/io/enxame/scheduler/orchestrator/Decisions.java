package io.enxame.scheduler.orchestrator;

import io.enxame.scheduler.placement.NodeLoad;
import io.enxame.scheduler.placement.Placement;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What one reconciliation pass decides for one service, as store operations: new tasks (placed on a
 * node, or pending with the reason), desired-state changes, placements of waiting tasks, and when the
 * pass must run again. Shared by the service and job reconcilers.
 */
final class Decisions {
  private final JsonObject service;
  private final boolean global;
  private final Collection<JsonObject> nodes;
  private final NodeLoad load;
  private final Instant now;
  final Placement placement;
  final List<JsonObject> ops = new ArrayList<>();
  private Instant wakeAt;

  /** @param global whether slots are nodes (global modes) rather than numbers */
  Decisions(JsonObject service, boolean global, Collection<JsonObject> nodes, NodeLoad load, Instant now) {
    this.service = service;
    this.global = global;
    this.nodes = nodes;
    this.load = load;
    this.now = now;
    this.placement = Placement.of(service);
  }

  ServiceReconciler.Result result() { return new ServiceReconciler.Result(ops, Optional.ofNullable(wakeAt)); }

  /** A slot's key: its node id in a global mode, its number otherwise. */
  String slotKey(JsonObject task) {
    return global ? task.getString("NodeID", "") : Long.toString(task.getLong("Slot", 0L));
  }

  /** The nodes a global service wants a task on, in a stable order. */
  List<String> wantedNodes() {
    return nodes.stream().filter(placement::wantsNode).map(n -> n.getString("ID")).sorted().toList();
  }

  /** Whether a global service leaves this task be: its node is paused (swarmkit neither adds nor updates tasks there). */
  boolean onPausedNode(JsonObject task) {
    if (!global) return false;
    String nodeId = task.getString("NodeID", "");
    return nodes.stream().anyMatch(n -> nodeId.equals(n.getString("ID")) && placement.keepsTasksOn(n));
  }

  void createTask(String key, String desired) { createTask(key, desired, new JsonObject()); }

  /** @param extra fields the mode adds to a new task (a job's iteration) */
  void createTask(String key, String desired, JsonObject extra) {
    long slot = global ? 0 : Long.parseLong(key);
    JsonObject task = TaskFactory.newTask(service, slot, desired, now).mergeIn(place(key)).mergeIn(extra);
    ops.add(StoreOp.create(Kind.TASKS, task));
  }

  void setDesired(JsonObject task, String desired) {
    if (!desired.equals(task.getString("DesiredState"))) {
      ops.add(StoreOp.mergeIfExists(Kind.TASKS, task.getString("ID"), new JsonObject().put("DesiredState", desired)));
    }
  }

  /** Places a task that waits for a node; one that still fits nowhere is rewritten only when the reason changes. */
  void placeIfWaiting(String key, JsonObject task) {
    if (!task.getString("NodeID", "").isEmpty()) return;
    JsonObject placed = place(key);
    if (placed.containsKey("NodeID") || !Json.string(placed, "Status.Err").equals(Json.string(task, "Status.Err"))) {
      ops.add(StoreOp.mergeIfExists(Kind.TASKS, task.getString("ID"), placed));
    }
  }

  void wakeAt(Instant when) { wakeAt = wakeAt == null || when.isBefore(wakeAt) ? when : wakeAt; }

  /** The fields placement decides for a new or unassigned task: its node and status, or why it waits. */
  private JsonObject place(String key) {
    if (global) {
      return new JsonObject().put("NodeID", key)
          .put("Status", TaskFactory.status(TaskState.ASSIGNED.wire(), "scheduler assigned task to node", null, now));
    }
    Placement.Decision d = placement.place(nodes, load);
    return d.nodeId()
        .map(node -> new JsonObject().put("NodeID", node)
            .put("Status", TaskFactory.status(TaskState.ASSIGNED.wire(), d.explanation(), null, now)))
        .orElseGet(() -> new JsonObject()
            .put("Status", TaskFactory.status(TaskState.PENDING.wire(), "pending task scheduling", d.explanation(), now)));
  }
}
