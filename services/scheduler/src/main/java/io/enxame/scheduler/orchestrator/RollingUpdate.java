package io.enxame.scheduler.orchestrator;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.model.Times;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * swarmkit's updater as a pure decision over the store: which out-of-date slots to replace now, and
 * how the service's UpdateStatus moves. Everything it needs is in the store (the update's StartedAt,
 * the tasks made since, their states), except when a task became running, which the view records
 * (swarmkit's updater keeps that in memory too); without it a task's creation time stands in.
 *
 * <ul>
 *   <li>At most {@code Parallelism} slots are in flight: replaced but not yet running, or running for
 *       less than {@code Delay}.</li>
 *   <li>A task made by this update that fails, or ends, before it has run for {@code Monitor} counts
 *       as a failure; past {@code MaxFailureRatio} of the slots the failure action applies: pause,
 *       continue, or roll back to the previous spec.</li>
 *   <li>The update completes when every slot runs the spec and the last new task has been watched
 *       for {@code Monitor}.</li>
 * </ul>
 */
final class RollingUpdate {
  static final String UPDATING = "updating", PAUSED = "paused", COMPLETED = "completed";
  static final String ROLLBACK_STARTED = "rollback_started", ROLLBACK_PAUSED = "rollback_paused",
      ROLLBACK_COMPLETED = "rollback_completed";
  private static final Set<TaskState> EARLY_END = Set.of(TaskState.COMPLETE, TaskState.FAILED, TaskState.REJECTED, TaskState.ORPHANED);

  /** @param replace live tasks to replace now; @param serviceOp the service change, if any */
  record Plan(List<JsonObject> replace, Optional<JsonObject> serviceOp, Optional<Instant> wakeAt, boolean startFirst) {}

  private RollingUpdate() {}

  /**
   * @param live       the live task of every wanted slot
   * @param all        every task of the service (failed ones included)
   * @param slots      how many slots the service wants (the failure ratio's denominator)
   */
  static Plan plan(JsonObject service, Collection<JsonObject> live, Collection<JsonObject> all, int slots,
                   Function<String, Optional<Instant>> runningSince, Instant now) {
    String state = Json.string(service, "UpdateStatus.State");
    boolean rollingBack = state != null && state.startsWith("rollback");
    UpdatePolicy policy = UpdatePolicy.of(service, rollingBack);
    List<JsonObject> outdated = live.stream().filter(t -> !Tasks.isUpToDate(t, service)).toList();
    boolean active = UPDATING.equals(state) || ROLLBACK_STARTED.equals(state);
    if (PAUSED.equals(state) || ROLLBACK_PAUSED.equals(state)) return idle(policy, null);
    if (!active) {
      if (outdated.isEmpty()) return idle(policy, null);
      // A new update starts (the gateway clears UpdateStatus when the spec changes).
      JsonObject status = status(UPDATING, "update in progress", now, null);
      return new Plan(outdated.stream().limit(budget(policy, outdated.size(), 0)).toList(),
          Optional.of(setStatus(service, status)), Optional.empty(), policy.startFirst());
    }

    Instant startedAt = Optional.ofNullable(Json.string(service, "UpdateStatus.StartedAt")).map(Times::parse).orElse(Instant.EPOCH);
    List<JsonObject> made = all.stream()
        .filter(t -> Tasks.isUpToDate(t, service) && !createdAt(t).isBefore(startedAt)).toList();

    // Failures first: they may stop the update before anything else moves.
    List<JsonObject> failed = made.stream()
        .filter(t -> EARLY_END.contains(Tasks.observed(t)) && endedEarly(t, policy, runningSince)).toList();
    if (!failed.isEmpty() && failed.size() > policy.maxFailureRatio() * slots && !"continue".equals(policy.failureAction())) {
      String taskId = failed.get(failed.size() - 1).getString("ID");
      if ("rollback".equals(policy.failureAction()) && !rollingBack && service.getJsonObject("PreviousSpec") != null) {
        return idle(policy, rollback(service, "update rolled back due to failure or early termination of task " + taskId, now));
      }
      String paused = rollingBack ? ROLLBACK_PAUSED : PAUSED;
      String message = (rollingBack ? "rollback" : "update") + " paused due to failure or early termination of task " + taskId;
      return idle(policy, setStatus(service, status(paused, message, startedAt, null)));
    }

    int inFlight = 0;
    Instant wake = null, lastRunning = Instant.MIN;
    for (JsonObject t : made) {
      if (!ServiceReconciler.isLive(t) || Tasks.observed(t).isTerminal()) continue;
      if (Tasks.observed(t).rank() < TaskState.RUNNING.rank()) {
        inFlight++;
        continue;
      }
      Instant since = runningSince.apply(t.getString("ID")).orElse(createdAt(t));
      if (since.isAfter(lastRunning)) lastRunning = since;
      Instant cooled = since.plus(policy.delay());
      if (cooled.isAfter(now)) {
        inFlight++;
        wake = earliest(wake, cooled);
      }
    }
    if (!outdated.isEmpty()) {
      List<JsonObject> replace = outdated.stream().limit(budget(policy, outdated.size(), inFlight)).toList();
      return new Plan(replace, Optional.empty(), Optional.ofNullable(wake), policy.startFirst());
    }
    if (inFlight > 0) return new Plan(List.of(), Optional.empty(), Optional.ofNullable(wake), policy.startFirst());
    Instant watched = lastRunning == Instant.MIN ? now : lastRunning.plus(policy.monitor());
    if (watched.isAfter(now)) return new Plan(List.of(), Optional.empty(), Optional.of(watched), policy.startFirst());
    String done = rollingBack ? ROLLBACK_COMPLETED : COMPLETED;
    String message = rollingBack ? "rollback completed" : "update completed";
    return idle(policy, setStatus(service, status(done, message, startedAt, now)));
  }

  /** Roll back: the previous spec becomes the spec again, and the rollback config drives the replacement. */
  static JsonObject rollback(JsonObject service, String message, Instant now) {
    JsonObject next = service.copy();
    next.put("Spec", service.getJsonObject("PreviousSpec").copy());
    next.put("PreviousSpec", service.getJsonObject("Spec").copy());
    next.put("UpdateStatus", status(ROLLBACK_STARTED, message, now, null));
    next.remove("Version");
    // Demands the version it read: a spec written by a user in the meantime wins over this decision.
    return StoreOp.update(Kind.SERVICES, next, Json.version(service));
  }

  private static boolean endedEarly(JsonObject task, UpdatePolicy policy, Function<String, Optional<Instant>> runningSince) {
    Optional<Instant> since = runningSince.apply(task.getString("ID"));
    if (since.isEmpty()) return true; // never seen running
    Instant ended = Optional.ofNullable(Json.string(task, "Status.Timestamp")).map(Times::parse).orElse(Instant.MAX);
    return !ended.isAfter(since.get().plus(policy.monitor()));
  }

  private static long budget(UpdatePolicy policy, int outdated, int inFlight) {
    return policy.parallelism() == 0 ? outdated : Math.max(0, policy.parallelism() - inFlight);
  }

  private static Plan idle(UpdatePolicy policy, JsonObject op) {
    return new Plan(List.of(), Optional.ofNullable(op), Optional.empty(), policy.startFirst());
  }

  static JsonObject status(String state, String message, Instant startedAt, Instant completedAt) {
    JsonObject s = new JsonObject().put("State", state).put("Message", message).put("StartedAt", Times.format(startedAt));
    if (completedAt != null) s.put("CompletedAt", Times.format(completedAt));
    return s;
  }

  /** Versioned: a decision made from a service the user has changed since is not committed. */
  private static JsonObject setStatus(JsonObject service, JsonObject status) {
    return StoreOp.merge(Kind.SERVICES, service.getString("ID"), new JsonObject().put("UpdateStatus", status))
        .put("version", Json.version(service));
  }

  static Instant createdAt(JsonObject task) {
    String c = task.getString("CreatedAt");
    return c == null ? Instant.EPOCH : Times.parse(c);
  }

  private static Instant earliest(Instant a, Instant b) { return a == null || b.isBefore(a) ? b : a; }
}
