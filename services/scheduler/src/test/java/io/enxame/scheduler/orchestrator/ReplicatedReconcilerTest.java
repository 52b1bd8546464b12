package io.enxame.scheduler.orchestrator;

import io.enxame.scheduler.placement.NodeLoad;
import io.enxame.shared.model.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicatedReconcilerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");
  private final List<JsonObject> nodes = List.of(node("n1", "ready"));

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

  private ReplicatedReconciler.Result run(JsonObject service, List<JsonObject> tasks) {
    return ReplicatedReconciler.reconcile(service, tasks, nodes, NodeLoad.of(tasks), NOW, 5);
  }

  private static List<JsonObject> ops(ReplicatedReconciler.Result r, String op) {
    return r.ops().stream().filter(o -> op.equals(o.getString("op"))).toList();
  }

  @Test
  void fillsEverySlotOnAReadyNode() {
    ReplicatedReconciler.Result r = run(service(3, null), List.of());
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
    ReplicatedReconciler.Result r = ReplicatedReconciler.reconcile(service(1, null), List.of(),
        List.of(node("n1", "down")), new NodeLoad(), NOW, 5);
    JsonObject status = ops(r, "create").get(0).getJsonObject("object").getJsonObject("Status");
    assertThat(status.getString("State")).isEqualTo("pending");
    assertThat(status.getString("Err")).isEqualTo("no suitable node (1 node not available for new tasks)");
  }

  @Test
  void aDeadTaskIsReplacedAfterTheRestartDelay() {
    JsonObject svc = service(1, null); // Swarm's default: condition any, delay 5 s
    ReplicatedReconciler.Result r = run(svc, List.of(task(svc, "t1", 1, "running", "failed", "2026-01-01T00:00:00Z")));
    assertThat(ops(r, "merge")).singleElement().satisfies(m ->
        assertThat(m.getJsonObject("set").getString("DesiredState")).isEqualTo("shutdown"));
    JsonObject replacement = ops(r, "create").get(0).getJsonObject("object");
    assertThat(replacement.getLong("Slot")).isEqualTo(1);
    assertThat(replacement.getString("DesiredState")).isEqualTo("ready");
  }

  @Test
  void aDelayedReplacementStartsOnceItsDelayHasPassed() {
    JsonObject svc = service(1, null);
    JsonObject waiting = task(svc, "t2", 1, "ready", "ready", Times.format(NOW.minusSeconds(2)));
    ReplicatedReconciler.Result early = run(svc, List.of(waiting));
    assertThat(early.ops()).isEmpty();
    assertThat(early.wakeAt()).contains(NOW.plusSeconds(3));

    JsonObject due = task(svc, "t2", 1, "ready", "ready", Times.format(NOW.minusSeconds(5)));
    assertThat(ops(run(svc, List.of(due)), "merge")).singleElement().satisfies(m ->
        assertThat(m.getJsonObject("set").getString("DesiredState")).isEqualTo("running"));
  }

  @Test
  void onFailureLeavesACleanExitComplete() {
    JsonObject svc = service(1, new JsonObject().put("Condition", "on-failure").put("Delay", 0));
    JsonObject done = task(svc, "t1", 1, "running", "complete", "2026-01-01T00:00:00Z");
    ReplicatedReconciler.Result r = run(svc, List.of(done));
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
    ReplicatedReconciler.Result r = run(svc, history);
    assertThat(ops(r, "create")).isEmpty();
  }

  @Test
  void scalingDownShutsDownTheHighestSlots() {
    JsonObject svc = service(1, null);
    List<JsonObject> tasks = List.of(
        task(svc, "a", 1, "running", "running", "2026-01-01T00:00:00Z"),
        task(svc, "b", 2, "running", "running", "2026-01-01T00:00:00Z"),
        task(svc, "c", 3, "running", "running", "2026-01-01T00:00:00Z"));
    ReplicatedReconciler.Result r = run(svc, tasks);
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
    ReplicatedReconciler.Result r = run(updated, tasks);
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
    ReplicatedReconciler.Result r = run(svc, tasks);
    assertThat(ops(r, "delete")).extracting(o -> o.getString("id")).containsExactly("old0", "old1");
  }

  @Test
  void tasksCarryTheServiceTemplateSoTheyAreUpToDate() {
    JsonObject svc = service(1, null);
    JsonObject created = ops(run(svc, List.of()), "create").get(0).getJsonObject("object");
    assertThat(io.enxame.shared.model.Tasks.isUpToDate(created, svc)).isTrue();
    assertThat(new JsonArray().add(created).size()).isEqualTo(1);
  }
}
