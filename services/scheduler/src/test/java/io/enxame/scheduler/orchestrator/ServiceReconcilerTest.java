package io.enxame.scheduler.orchestrator;

import io.enxame.scheduler.placement.NodeLoad;
import io.enxame.shared.model.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceReconcilerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");
  private List<JsonObject> nodes = List.of(node("n1", "ready"));
  /** When tasks were first seen running, as the view records it. */
  private final Map<String, Instant> running = new HashMap<>();

  private static JsonObject node(String id, String state) {
    return new JsonObject().put("ID", id).put("Status", new JsonObject().put("State", state))
        .put("Spec", new JsonObject().put("Availability", "active"));
  }

  private static JsonObject service(long replicas, JsonObject restartPolicy) {
    JsonObject template = new JsonObject().put("ContainerSpec", new JsonObject().put("Image", "busybox"));
    if (restartPolicy != null) template.put("RestartPolicy", restartPolicy);
    return new JsonObject().put("ID", "svc").put("Version", new JsonObject().put("Index", 5))
        .put("Spec", new JsonObject().put("Name", "web").put("TaskTemplate", template)
            .put("Mode", new JsonObject().put("Replicated", new JsonObject().put("Replicas", replicas))));
  }

  private static JsonObject task(JsonObject service, String id, long slot, String desired, String observed, String createdAt) {
    return new JsonObject().put("ID", id).put("ServiceID", "svc").put("Slot", slot).put("NodeID", "n1")
        .put("Spec", service.getJsonObject("Spec").getJsonObject("TaskTemplate").copy())
        .put("DesiredState", desired).put("CreatedAt", createdAt)
        .put("Status", new JsonObject().put("State", observed));
  }

  private ServiceReconciler.Result run(JsonObject service, List<JsonObject> tasks) {
    return ServiceReconciler.reconcile(service, tasks, nodes, NodeLoad.of(tasks), NOW, 5, id -> Optional.ofNullable(running.get(id)));
  }

  private static List<JsonObject> ops(ServiceReconciler.Result r, String op) {
    return r.ops().stream().filter(o -> op.equals(o.getString("op"))).toList();
  }

  @Test
  void fillsEverySlotOnAReadyNode() {
    ServiceReconciler.Result r = run(service(3, null), List.of());
    List<JsonObject> created = ops(r, "create");
    assertThat(created).hasSize(3);
    assertThat(created).extracting(o -> o.getJsonObject("object").getLong("Slot")).containsExactly(1L, 2L, 3L);
    assertThat(created).allSatisfy(o -> {
      JsonObject t = o.getJsonObject("object");
      assertThat(t.getString("NodeID")).isEqualTo("n1");
      assertThat(t.getJsonObject("Status").getString("State")).isEqualTo("assigned");
      assertThat(t.getString("DesiredState")).isEqualTo("running");
      assertThat(t.getJsonObject("ServiceAnnotations").getString("Name")).isEqualTo("web");
    });
  }

  @Test
  void withoutAReadyNodeTasksWaitPendingWithAReason() {
    ServiceReconciler.Result r = ServiceReconciler.reconcile(service(1, null), List.of(),
        List.of(node("n1", "down")), new NodeLoad(), NOW, 5, id -> Optional.ofNullable(running.get(id)));
    JsonObject status = ops(r, "create").get(0).getJsonObject("object").getJsonObject("Status");
    assertThat(status.getString("State")).isEqualTo("pending");
    assertThat(status.getString("Err")).isEqualTo("no suitable node (1 node not available for new tasks)");
  }

  @Test
  void aDeadTaskIsReplacedAfterTheRestartDelay() {
    JsonObject svc = service(1, null); // Swarm's default: condition any, delay 5 s
    ServiceReconciler.Result r = run(svc, List.of(task(svc, "t1", 1, "running", "failed", "2026-01-01T00:00:00Z")));
    assertThat(ops(r, "merge")).singleElement().satisfies(m ->
        assertThat(m.getJsonObject("set").getString("DesiredState")).isEqualTo("shutdown"));
    JsonObject replacement = ops(r, "create").get(0).getJsonObject("object");
    assertThat(replacement.getLong("Slot")).isEqualTo(1);
    assertThat(replacement.getString("DesiredState")).isEqualTo("ready");
  }

  @Test
  void aDelayedReplacementStartsOnceItsDelayHasPassed() {
    JsonObject svc = service(1, null);
    JsonObject dead = task(svc, "t1", 1, "shutdown", "failed", Times.format(NOW.minusSeconds(9)));
    JsonObject waiting = task(svc, "t2", 1, "ready", "ready", Times.format(NOW.minusSeconds(2)));
    ServiceReconciler.Result early = run(svc, List.of(dead, waiting));
    assertThat(early.ops()).isEmpty();
    assertThat(early.wakeAt()).contains(NOW.plusSeconds(3));

    JsonObject due = task(svc, "t2", 1, "ready", "ready", Times.format(NOW.minusSeconds(5)));
    assertThat(ops(run(svc, List.of(dead, due)), "merge")).singleElement().satisfies(m ->
        assertThat(m.getJsonObject("set").getString("DesiredState")).isEqualTo("running"));
  }

  @Test
  void onFailureLeavesACleanExitComplete() {
    JsonObject svc = service(1, new JsonObject().put("Condition", "on-failure").put("Delay", 0));
    JsonObject done = task(svc, "t1", 1, "running", "complete", "2026-01-01T00:00:00Z");
    ServiceReconciler.Result r = run(svc, List.of(done));
    assertThat(ops(r, "create")).isEmpty();
    assertThat(ops(r, "merge").get(0).getJsonObject("set").getString("DesiredState")).isEqualTo("complete");
    // and the next pass, seeing the slot done, creates nothing either
    assertThat(run(svc, List.of(done.copy().put("DesiredState", "complete"))).ops()).isEmpty();
  }

  @Test
  void maxAttemptsStopsRestarting() {
    JsonObject svc = service(1, new JsonObject().put("Condition", "any").put("Delay", 0).put("MaxAttempts", 1));
    List<JsonObject> history = new ArrayList<>();
    history.add(task(svc, "t1", 1, "shutdown", "failed", "2026-01-01T00:00:00Z"));
    history.add(task(svc, "t2", 1, "running", "failed", "2026-01-01T00:00:01Z"));
    ServiceReconciler.Result r = run(svc, history);
    assertThat(ops(r, "create")).isEmpty();
  }

  @Test
  void scalingDownShutsDownTheHighestSlots() {
    JsonObject svc = service(1, null);
    List<JsonObject> tasks = List.of(
        task(svc, "a", 1, "running", "running", "2026-01-01T00:00:00Z"),
        task(svc, "b", 2, "running", "running", "2026-01-01T00:00:00Z"),
        task(svc, "c", 3, "running", "running", "2026-01-01T00:00:00Z"));
    ServiceReconciler.Result r = run(svc, tasks);
    assertThat(ops(r, "merge")).extracting(o -> o.getString("id")).containsExactlyInAnyOrder("b", "c");
    assertThat(ops(r, "create")).isEmpty();
  }

  @Test
  void anUpdateReplacesOneTaskAtATimeAndReportsProgress() {
    JsonObject old = service(2, null);
    JsonObject updated = service(2, null);
    updated.getJsonObject("Spec").getJsonObject("TaskTemplate").getJsonObject("ContainerSpec").put("Image", "busybox:2");
    List<JsonObject> tasks = List.of(
        task(old, "a", 1, "running", "running", "2026-01-01T00:00:00Z"),
        task(old, "b", 2, "running", "running", "2026-01-01T00:00:00Z"));
    ServiceReconciler.Result r = run(updated, tasks);
    assertThat(ops(r, "create")).hasSize(1);
    assertThat(r.ops()).anySatisfy(o -> assertThat(o.getJsonObject("set", new JsonObject())
        .getJsonObject("UpdateStatus", new JsonObject()).getString("State")).isEqualTo("updating"));
  }

  @Test
  void historyIsPrunedToTheRetentionLimit() {
    JsonObject svc = service(1, null);
    List<JsonObject> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) tasks.add(task(svc, "old" + i, 1, "shutdown", "failed", "2026-01-01T00:00:0" + i + "Z"));
    tasks.add(task(svc, "live", 1, "running", "running", "2026-01-01T00:00:09Z"));
    ServiceReconciler.Result r = run(svc, tasks);
    assertThat(ops(r, "delete")).extracting(o -> o.getString("id")).containsExactly("old0", "old1");
  }

  @Test
  void tasksCarryTheServiceTemplateSoTheyAreUpToDate() {
    JsonObject svc = service(1, null);
    JsonObject created = ops(run(svc, List.of()), "create").get(0).getJsonObject("object");
    assertThat(io.enxame.shared.model.Tasks.isUpToDate(created, svc)).isTrue();
    assertThat(new JsonArray().add(created).size()).isEqualTo(1);
  }

  private static JsonObject withImage(JsonObject service, String image) {
    JsonObject s = service.copy();
    s.getJsonObject("Spec").getJsonObject("TaskTemplate").getJsonObject("ContainerSpec").put("Image", image);
    return s;
  }

  private static JsonObject updating(JsonObject service, String state, String startedAt, JsonObject updateConfig) {
    JsonObject s = service.copy();
    if (updateConfig != null) s.getJsonObject("Spec").put("UpdateConfig", updateConfig).put("RollbackConfig", updateConfig);
    s.put("UpdateStatus", new JsonObject().put("State", state).put("StartedAt", startedAt));
    return s;
  }

  private static JsonObject statusOf(JsonObject r) {
    return r.getJsonObject("set", r.getJsonObject("object", new JsonObject())).getJsonObject("UpdateStatus", new JsonObject());
  }

  private static List<JsonObject> serviceOps(ServiceReconciler.Result r) {
    return r.ops().stream().filter(o -> "services".equals(o.getString("kind"))).toList();
  }

  @Test
  void stopFirstMakesTheNewTaskReadyAndStartsItOnceTheOldOneHasStopped() {
    JsonObject old = service(1, null);
    JsonObject next = withImage(old, "busybox:2");
    ServiceReconciler.Result r = run(next, List.of(task(old, "a", 1, "running", "running", "2026-01-01T00:00:00Z")));
    assertThat(ops(r, "create")).singleElement().satisfies(c -> assertThat(c.getJsonObject("object").getString("DesiredState")).isEqualTo("ready"));

    JsonObject upd = updating(next, "updating", "2026-01-01T00:00:05Z", null);
    List<JsonObject> stopping = List.of(task(old, "a", 1, "shutdown", "running", "2026-01-01T00:00:00Z"),
        task(next, "b", 1, "ready", "ready", "2026-01-01T00:00:06Z"));
    assertThat(run(upd, stopping).ops()).noneMatch(o -> "running".equals(o.getJsonObject("set", new JsonObject()).getString("DesiredState")));

    List<JsonObject> stopped = List.of(task(old, "a", 1, "shutdown", "shutdown", "2026-01-01T00:00:00Z"),
        task(next, "b", 1, "ready", "ready", "2026-01-01T00:00:06Z"));
    assertThat(run(upd, stopped).ops()).anyMatch(o -> "b".equals(o.getString("id"))
        && "running".equals(o.getJsonObject("set").getString("DesiredState")));
  }

  @Test
  void startFirstKeepsTheOldTaskUntilTheNewOneRuns() {
    JsonObject old = service(1, null);
    JsonObject cfg = new JsonObject().put("Order", "start-first");
    JsonObject next = withImage(old, "busybox:2");
    next.getJsonObject("Spec").put("UpdateConfig", cfg);
    ServiceReconciler.Result first = run(next, List.of(task(old, "a", 1, "running", "running", "2026-01-01T00:00:00Z")));
    assertThat(ops(first, "create")).singleElement().satisfies(c -> assertThat(c.getJsonObject("object").getString("DesiredState")).isEqualTo("running"));
    assertThat(first.ops()).noneMatch(o -> "a".equals(o.getString("id")));

    JsonObject upd = updating(next, "updating", "2026-01-01T00:00:05Z", cfg);
    List<JsonObject> starting = List.of(task(old, "a", 1, "running", "running", "2026-01-01T00:00:00Z"),
        task(next, "b", 1, "running", "starting", "2026-01-01T00:00:06Z"));
    assertThat(run(upd, starting).ops()).noneMatch(o -> "a".equals(o.getString("id")));

    List<JsonObject> up = List.of(task(old, "a", 1, "running", "running", "2026-01-01T00:00:00Z"),
        task(next, "b", 1, "running", "running", "2026-01-01T00:00:06Z"));
    assertThat(run(upd, up).ops()).anyMatch(o -> "a".equals(o.getString("id"))
        && "shutdown".equals(o.getJsonObject("set").getString("DesiredState")));
  }

  @Test
  void aNewTaskFailingDuringTheUpdatePausesIt() {
    JsonObject old = service(2, null);
    JsonObject upd = updating(withImage(old, "busybox:2"), "updating", "2026-01-01T00:00:05Z", null);
    List<JsonObject> tasks = List.of(task(old, "a", 1, "running", "running", "2026-01-01T00:00:00Z"),
        task(old, "b", 2, "shutdown", "shutdown", "2026-01-01T00:00:00Z"),
        task(upd, "c", 2, "running", "failed", "2026-01-01T00:00:06Z"));
    ServiceReconciler.Result r = run(upd, tasks);
    assertThat(serviceOps(r)).singleElement().satisfies(o -> {
      assertThat(statusOf(o).getString("State")).isEqualTo("paused");
      assertThat(statusOf(o).getString("Message")).isEqualTo("update paused due to failure or early termination of task c");
    });
    assertThat(ops(r, "create")).hasSize(1); // the restart policy still replaces the failed task
    assertThat(r.ops()).noneMatch(o -> "a".equals(o.getString("id")));
  }

  @Test
  void withFailureActionRollbackTheServiceGoesBackToItsPreviousSpec() {
    JsonObject old = service(1, null);
    JsonObject upd = updating(withImage(old, "busybox:2"), "updating", "2026-01-01T00:00:05Z",
        new JsonObject().put("FailureAction", "rollback"));
    upd.put("PreviousSpec", old.getJsonObject("Spec").copy());
    ServiceReconciler.Result r = run(upd, List.of(task(upd, "c", 1, "running", "failed", "2026-01-01T00:00:06Z")));
    assertThat(serviceOps(r)).singleElement().satisfies(o -> {
      assertThat(o.getString("op")).isEqualTo("update");
      assertThat(o.getLong("version")).isEqualTo(5L);
      assertThat(statusOf(o).getString("State")).isEqualTo("rollback_started");
      assertThat(o.getJsonObject("object").getJsonObject("Spec")).isEqualTo(old.getJsonObject("Spec"));
    });
  }

  @Test
  void aTaskThatRanLongerThanTheMonitorIsNotAnUpdateFailure() {
    JsonObject old = service(2, null);
    JsonObject upd = updating(withImage(old, "busybox:2"), "updating", "2026-01-01T00:00:01Z", null);
    JsonObject died = task(upd, "c", 1, "running", "failed", "2026-01-01T00:00:01Z");
    died.getJsonObject("Status").put("Timestamp", "2026-01-01T00:00:09Z");
    running.put("c", Instant.parse("2026-01-01T00:00:02Z"));
    ServiceReconciler.Result r = run(upd, List.of(died, task(old, "a", 2, "running", "running", "2026-01-01T00:00:00Z")));
    assertThat(serviceOps(r)).isEmpty();
  }

  @Test
  void theUpdateCompletesOnlyAfterTheLastNewTaskWasWatchedForTheMonitorPeriod() {
    JsonObject upd = updating(service(1, null), "updating", "2026-01-01T00:00:05Z", null);
    running.put("b", Instant.parse("2026-01-01T00:00:07Z"));
    ServiceReconciler.Result r = run(upd, List.of(task(upd, "b", 1, "running", "running", "2026-01-01T00:00:06Z")));
    assertThat(serviceOps(r)).isEmpty();
    assertThat(r.wakeAt()).contains(Instant.parse("2026-01-01T00:00:12Z"));

    running.put("b", Instant.parse("2026-01-01T00:00:04Z"));
    assertThat(serviceOps(run(upd, List.of(task(upd, "b", 1, "running", "running", "2026-01-01T00:00:06Z")))))
        .singleElement().satisfies(o -> assertThat(statusOf(o).getString("State")).isEqualTo("completed"));
  }

  @Test
  void theUpdateDelayHoldsTheNextSlotAfterANewTaskRuns() {
    JsonObject old = service(2, null);
    JsonObject upd = updating(withImage(old, "busybox:2"), "updating", "2026-01-01T00:00:05Z",
        new JsonObject().put("Delay", 3_000_000_000L));
    running.put("c", Instant.parse("2026-01-01T00:00:08Z"));
    List<JsonObject> tasks = List.of(task(upd, "c", 1, "running", "running", "2026-01-01T00:00:06Z"),
        task(old, "a", 2, "running", "running", "2026-01-01T00:00:00Z"));
    ServiceReconciler.Result r = run(upd, tasks);
    assertThat(ops(r, "create")).isEmpty();
    assertThat(r.wakeAt()).contains(Instant.parse("2026-01-01T00:00:11Z"));
  }

  @Test
  void aGlobalServiceRunsOneTaskOnEveryNodeThatSatisfiesItsConstraints() {
    nodes = List.of(node("n1", "ready"), node("n2", "ready"), node("n3", "down"));
    nodes.get(1).getJsonObject("Spec").put("Labels", new JsonObject().put("zone", "east"));
    JsonObject svc = service(1, null);
    svc.getJsonObject("Spec").put("Mode", new JsonObject().put("Global", new JsonObject()));
    assertThat(ops(run(svc, List.of()), "create")).extracting(o -> o.getJsonObject("object").getString("NodeID"))
        .containsExactly("n1", "n2");
    svc.getJsonObject("Spec").getJsonObject("TaskTemplate").put("Placement",
        new JsonObject().put("Constraints", new JsonArray().add("node.labels.zone==east")));
    JsonObject onN1 = task(svc, "a", 0, "running", "running", "2026-01-01T00:00:00Z");
    ServiceReconciler.Result r = run(svc, List.of(onN1));
    assertThat(r.ops()).anyMatch(o -> "a".equals(o.getString("id")) && "shutdown".equals(o.getJsonObject("set").getString("DesiredState")));
    assertThat(ops(r, "create")).extracting(o -> o.getJsonObject("object").getString("NodeID")).containsExactly("n2");
  }

  @Test
  void aGlobalServiceKeepsItsTaskOnAPausedNodeAndAddsNoneThere() {
    nodes = List.of(node("n1", "ready"), node("n2", "ready"));
    nodes.forEach(n -> n.getJsonObject("Spec").put("Availability", "pause"));
    JsonObject svc = service(1, null);
    svc.getJsonObject("Spec").put("Mode", new JsonObject().put("Global", new JsonObject()));
    ServiceReconciler.Result r = run(svc, List.of(task(svc, "a", 0, "running", "running", "2026-01-01T00:00:00Z")));
    assertThat(r.ops()).isEmpty();
  }

  @Test
  void aTaskOnADrainedNodeIsReplacedElsewhere() {
    nodes = List.of(node("n1", "ready"), node("n2", "ready"));
    nodes.get(0).getJsonObject("Spec").put("Availability", "drain");
    JsonObject svc = service(1, null);
    ServiceReconciler.Result r = run(svc, List.of(task(svc, "a", 1, "running", "running", "2026-01-01T00:00:00Z")));
    assertThat(r.ops()).anyMatch(o -> "a".equals(o.getString("id")) && "shutdown".equals(o.getJsonObject("set").getString("DesiredState")));
    assertThat(ops(r, "create")).extracting(o -> o.getJsonObject("object").getString("NodeID")).containsExactly("n2");
  }

  @Test
  void unsatisfiableConstraintsKeepTheTaskPendingWithSwarmsExplanation() {
    JsonObject svc = service(1, null);
    svc.getJsonObject("Spec").getJsonObject("TaskTemplate").put("Placement",
        new JsonObject().put("Constraints", new JsonArray().add("node.role==worker")));
    nodes.get(0).getJsonObject("Spec").put("Role", "manager");
    JsonObject created = ops(run(svc, List.of()), "create").get(0).getJsonObject("object");
    assertThat(created.getJsonObject("Status").getString("State")).isEqualTo("pending");
    assertThat(created.getJsonObject("Status").getString("Err")).isEqualTo("no suitable node (scheduling constraints not satisfied on 1 node)");
  }

  @Test
  void reservationsAreCheckedAgainstTheNodesCapacity() {
    nodes.get(0).put("Description", new JsonObject().put("Resources",
        new JsonObject().put("NanoCPUs", 2_000_000_000L).put("MemoryBytes", 1L << 30)));
    JsonObject svc = service(3, null);
    svc.getJsonObject("Spec").getJsonObject("TaskTemplate").put("Resources", new JsonObject().put("Reservations",
        new JsonObject().put("NanoCPUs", 1_000_000_000L)));
    List<JsonObject> created = ops(run(svc, List.of()), "create").stream().map(o -> o.getJsonObject("object")).toList();
    assertThat(created).extracting(t -> t.getJsonObject("Status").getString("State")).containsExactly("assigned", "assigned", "pending");
    assertThat(created.get(2).getJsonObject("Status").getString("Err")).isEqualTo("no suitable node (insufficient resources on 1 node)");
  }

  @Test
  void spreadPreferencesBalanceOverLabelValuesFirst() {
    nodes = List.of(node("a1", "ready"), node("a2", "ready"), node("b1", "ready"));
    nodes.get(0).getJsonObject("Spec").put("Labels", new JsonObject().put("zone", "a"));
    nodes.get(1).getJsonObject("Spec").put("Labels", new JsonObject().put("zone", "a"));
    nodes.get(2).getJsonObject("Spec").put("Labels", new JsonObject().put("zone", "b"));
    JsonObject svc = service(4, null);
    svc.getJsonObject("Spec").getJsonObject("TaskTemplate").put("Placement", new JsonObject().put("Preferences",
        new JsonArray().add(new JsonObject().put("Spread", new JsonObject().put("SpreadDescriptor", "node.labels.zone")))));
    List<String> placed = ops(run(svc, List.of()), "create").stream().map(o -> o.getJsonObject("object").getString("NodeID")).toList();
    // Two per zone: zone b's only node takes two tasks, zone a's two nodes one each.
    assertThat(placed).filteredOn("b1"::equals).hasSize(2);
    assertThat(placed).filteredOn(n -> n.startsWith("a")).containsExactlyInAnyOrder("a1", "a2");
  }

  @Test
  void maxReplicasPerNodeLeavesTheRestPendingWithSwarmsExplanation() {
    nodes = List.of(node("n1", "ready"), node("n2", "ready"));
    JsonObject svc = service(3, null);
    svc.getJsonObject("Spec").getJsonObject("TaskTemplate").put("Placement", new JsonObject().put("MaxReplicas", 1));
    List<JsonObject> created = ops(run(svc, List.of()), "create").stream().map(o -> o.getJsonObject("object")).toList();
    assertThat(created).extracting(t -> t.getString("NodeID", "")).containsExactlyInAnyOrder("n1", "n2", "");
    assertThat(created).filteredOn(t -> t.getString("NodeID", "").isEmpty()).singleElement().satisfies(t -> {
      assertThat(t.getJsonObject("Status").getString("State")).isEqualTo("pending");
      assertThat(t.getJsonObject("Status").getString("Err")).isEqualTo("no suitable node (max replicas per node limit exceed)");
    });
  }
}
