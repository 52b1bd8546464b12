package io.enxame.scheduler.orchestrator;

import io.enxame.scheduler.placement.NodeLoad;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JobReconcilerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");
  private final List<JsonObject> nodes = List.of(new JsonObject().put("ID", "n1")
      .put("Status", new JsonObject().put("State", "ready")).put("Spec", new JsonObject().put("Availability", "active")));

  private static JsonObject job(long total, long maxConcurrent, long iteration) {
    return new JsonObject().put("ID", "job").put("Version", new JsonObject().put("Index", 7))
        .put("JobStatus", new JsonObject().put("JobIteration", new JsonObject().put("Index", iteration)))
        .put("Spec", new JsonObject().put("Name", "batch")
            .put("TaskTemplate", new JsonObject().put("ContainerSpec", new JsonObject().put("Image", "busybox"))
                .put("RestartPolicy", new JsonObject().put("Condition", "on-failure").put("Delay", 0)))
            .put("Mode", new JsonObject().put("ReplicatedJob",
                new JsonObject().put("TotalCompletions", total).put("MaxConcurrent", maxConcurrent))));
  }

  private static JsonObject task(JsonObject job, String id, long slot, String desired, String observed, long iteration) {
    return TaskFactory.newTask(job, slot, desired, NOW.minusSeconds(5)).put("ID", id).put("NodeID", "n1")
        .put("CreatedAt", "2026-01-01T00:00:0" + slot + "Z")
        .put("JobIteration", new JsonObject().put("Index", iteration))
        .put("Status", new JsonObject().put("State", observed));
  }

  private List<JsonObject> ops(JsonObject job, List<JsonObject> tasks, String op) {
    return JobReconciler.reconcile(job, tasks, nodes, NodeLoad.of(tasks), NOW, 5).ops().stream()
        .filter(o -> op.equals(o.getString("op"))).toList();
  }

  @Test
  void runsAtMostMaxConcurrentTasksThatRunToCompletion() {
    List<JsonObject> created = ops(job(5, 2, 7), List.of(), "create");
    assertThat(created).hasSize(2).allSatisfy(c -> {
      assertThat(c.getJsonObject("object").getString("DesiredState")).isEqualTo("complete");
      assertThat(c.getJsonObject("object").getJsonObject("JobIteration").getLong("Index")).isEqualTo(7L);
    });
  }

  @Test
  void aCompletedSlotIsNotRerunAndTheNextSlotStarts() {
    JsonObject job = job(3, 1, 7);
    List<JsonObject> created = ops(job, List.of(task(job, "a", 0, "complete", "complete", 7)), "create");
    assertThat(created).singleElement().satisfies(c -> assertThat(c.getJsonObject("object").getLong("Slot")).isEqualTo(1L));
    List<JsonObject> all = List.of(task(job, "a", 0, "complete", "complete", 7), task(job, "b", 1, "complete", "complete", 7),
        task(job, "c", 2, "complete", "complete", 7));
    assertThat(ops(job, all, "create")).isEmpty();
  }

  @Test
  void aFailedTaskIsRetriedAndACleanExitIsNot() {
    JsonObject job = job(1, 1, 7);
    assertThat(ops(job, List.of(task(job, "a", 0, "complete", "failed", 7)), "create")).hasSize(1);
  }

  @Test
  void aNewIterationStopsTheOldTasksAndStartsAgain() {
    JsonObject job = job(1, 1, 9);
    List<JsonObject> tasks = List.of(task(job, "a", 0, "complete", "running", 7));
    List<JsonObject> merges = ops(job, tasks, "merge");
    assertThat(merges).anySatisfy(m -> {
      assertThat(m.getString("id")).isEqualTo("a");
      assertThat(m.getJsonObject("set").getString("DesiredState")).isEqualTo("shutdown");
    });
    assertThat(ops(job, tasks, "create")).singleElement()
        .satisfies(c -> assertThat(c.getJsonObject("object").getJsonObject("JobIteration").getLong("Index")).isEqualTo(9L));
  }
}
