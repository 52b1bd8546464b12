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

/**
 * Jobs, as swarmkit runs them: tasks run to completion (their desired state is "complete") and a
 * finished slot is not refilled. A replicated job has TotalCompletions slots and runs at most
 * MaxConcurrent of them at once; a global job has one slot per eligible node. Each run of the job is an
 * iteration ({@code JobStatus.JobIteration}, bumped by the gateway on every update, e.g. {@code update
 * --force}): tasks of an older iteration are shut down, and the new iteration starts from scratch.
 * A failed task is replaced per the restart policy, where {@code any} means on failure. Replicated job
 * slots run 0..TotalCompletions-1, as swarmkit's do (the CLI's progress display counts on it).
 */
public final class JobReconciler {
  private static final String RUN = TaskState.COMPLETE.wire();

  private final JsonObject service;
  private final boolean global;
  private final long iteration;
  private final RestartPolicy restart;
  private final Instant now;
  private final int historyLimit;
  private final Decisions out;

  private JobReconciler(JsonObject service, Collection<JsonObject> nodes, NodeLoad load, Instant now, int historyLimit) {
    this.service = service;
    this.global = Json.object(service, "Spec.Mode.GlobalJob") != null;
    this.iteration = Optional.ofNullable(Json.number(service, "JobStatus.JobIteration.Index")).orElse(0L);
    this.out = new Decisions(service, global, nodes, load, now);
    this.restart = RestartPolicy.of(service);
    this.now = now;
    this.historyLimit = Math.max(1, historyLimit);
  }

  public static boolean handles(JsonObject service) {
    return Json.object(service, "Spec.Mode.ReplicatedJob") != null || Json.object(service, "Spec.Mode.GlobalJob") != null;
  }

  public static ServiceReconciler.Result reconcile(JsonObject service, List<JsonObject> tasks, Collection<JsonObject> nodes,
                                                   NodeLoad load, Instant now, int historyLimit) {
    JobReconciler r = new JobReconciler(service, nodes, load, now, historyLimit);
    r.run(tasks);
    return r.out.result();
  }

  private void run(List<JsonObject> tasks) {
    Map<String, List<JsonObject>> slots = new LinkedHashMap<>();
    for (String key : wantedSlots()) slots.put(key, new ArrayList<>());
    Map<String, List<JsonObject>> older = new LinkedHashMap<>();
    for (JsonObject t : tasks.stream().sorted(Comparator.comparing(RollingUpdate::createdAt)).toList()) {
      boolean current = Json.number(t, "JobIteration.Index") != null && Json.number(t, "JobIteration.Index") == iteration;
      List<JsonObject> slot = current ? slots.get(out.slotKey(t)) : null;
      if (slot != null) slot.add(t);
      else {
        if (!Tasks.observed(t).isTerminal() && !TaskState.SHUTDOWN.wire().equals(t.getString("DesiredState"))) {
          out.setDesired(t, TaskState.SHUTDOWN.wire());
        }
        older.computeIfAbsent(out.slotKey(t), k -> new ArrayList<>()).add(t);
      }
    }
    long maxConcurrent = global ? Long.MAX_VALUE
        : Math.max(1, Optional.ofNullable(Json.number(service, "Spec.Mode.ReplicatedJob.MaxConcurrent")).orElse(1L));
    long active = slots.values().stream().filter(h -> !h.isEmpty() && !Tasks.observed(last(h)).isTerminal()).count();
    for (Map.Entry<String, List<JsonObject>> e : slots.entrySet()) {
      List<JsonObject> history = e.getValue();
      if (history.isEmpty()) {
        if (active < maxConcurrent) {
          createTask(e.getKey(), RUN);
          active++;
        }
        continue;
      }
      JsonObject task = last(history);
      TaskState observed = Tasks.observed(task);
      if (observed == TaskState.COMPLETE || !RUN.equals(task.getString("DesiredState")) && observed.isTerminal()) continue;
      if (observed.isTerminal()) { // failed, rejected: the restart policy decides
        boolean again = !"none".equals(restart.condition()) && restart.withinMaxAttempts(history, now);
        out.setDesired(task, TaskState.SHUTDOWN.wire());
        if (again) createTask(e.getKey(), restart.delay().isZero() ? RUN : TaskState.READY.wire());
        continue;
      }
      promoteOrPlace(e.getKey(), task);
    }
    older.values().forEach(this::prune);
  }

  private List<String> wantedSlots() {
    if (global) return out.wantedNodes();
    long total = Optional.ofNullable(Json.number(service, "Spec.Mode.ReplicatedJob.TotalCompletions")).orElse(1L);
    List<String> keys = new ArrayList<>();
    for (long s = 0; s < total; s++) keys.add(Long.toString(s)); // swarmkit numbers job slots from 0
    return keys;
  }

  private void promoteOrPlace(String key, JsonObject task) {
    if (TaskState.READY.wire().equals(task.getString("DesiredState"))) {
      Instant due = RollingUpdate.createdAt(task).plus(restart.delay());
      if (!due.isAfter(now)) out.setDesired(task, RUN);
      else out.wakeAt(due);
    }
    out.placeIfWaiting(key, task);
  }

  /** Old iterations keep at most the history limit of stopped tasks per slot. */
  private void prune(List<JsonObject> history) {
    int excess = history.size() - historyLimit;
    for (JsonObject t : history) {
      if (excess-- <= 0) break;
      if (Tasks.observed(t).isTerminal()) out.ops.add(StoreOp.deleteIfExists(Kind.TASKS, t.getString("ID")));
    }
  }

  private void createTask(String key, String desired) {
    out.createTask(key, desired, new JsonObject().put("JobIteration", new JsonObject().put("Index", iteration)));
  }

  private static JsonObject last(List<JsonObject> history) { return history.get(history.size() - 1); }
}
