package io.enxame.gateway.services;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceStatusTest {
  private static JsonObject task(String desired, String observed, Long iteration) {
    JsonObject t = new JsonObject().put("DesiredState", desired).put("Status", new JsonObject().put("State", observed));
    if (iteration != null) t.put("JobIteration", new JsonObject().put("Index", iteration));
    return t;
  }

  private static JsonObject service(JsonObject mode, Long iteration) {
    JsonObject s = new JsonObject().put("Spec", new JsonObject().put("Mode", mode));
    if (iteration != null) s.put("JobStatus", new JsonObject().put("JobIteration", new JsonObject().put("Index", iteration)));
    return s;
  }

  @Test
  void aGlobalServiceWantsItsTasksDesiredRunning() {
    JsonObject s = service(new JsonObject().put("Global", new JsonObject()), null);
    assertThat(ServiceStatus.of(s, List.of(task("running", "running", null), task("running", "starting", null),
        task("shutdown", "failed", null))))
        .isEqualTo(new JsonObject().put("RunningTasks", 1L).put("DesiredTasks", 2L).put("CompletedTasks", 0L));
  }

  @Test
  void aGlobalJobWantsOnlyWhatIsNotCompleteAndCountsItsCurrentIteration() {
    JsonObject s = service(new JsonObject().put("GlobalJob", new JsonObject()), 7L);
    List<JsonObject> tasks = List.of(task("complete", "complete", 7L), task("complete", "complete", 7L),
        task("complete", "running", 7L), task("shutdown", "complete", 5L));
    assertThat(ServiceStatus.of(s, tasks))
        .isEqualTo(new JsonObject().put("RunningTasks", 1L).put("DesiredTasks", 1L).put("CompletedTasks", 2L));
  }
}
