package io.enxame.agent.exec;

import io.enxame.shared.model.SwarmLabels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerSpecsTest {
  static JsonObject task(String id, String desired, JsonObject containerSpec) {
    return new JsonObject().put("ID", id).put("ServiceID", "svc1").put("Slot", 1).put("NodeID", "n1").put("DesiredState", desired)
        .put("Spec", new JsonObject().put("ContainerSpec", containerSpec))
        .put("Status", new JsonObject().put("State", "assigned"))
        .put("ServiceAnnotations", new JsonObject().put("Name", "web"));
  }

  @Test
  void mapsSwarmContainerSpecToDockerSettings() {
    JsonObject cs = new JsonObject().put("Image", "busybox:latest")
        .put("Command", new JsonArray().add("/bin/sh").add("-c")).put("Args", new JsonArray().add("sleep 1"))
        .put("Env", new JsonArray().add("A=1")).put("Dir", "/tmp").put("User", "nobody").put("Hostname", "h")
        .put("Init", true).put("StopSignal", "SIGINT").put("StopGracePeriod", 3_000_000_000L)
        .put("Labels", new JsonObject().put("team", "a"))
        .put("Healthcheck", new JsonObject().put("Test", new JsonArray().add("CMD").add("true"))
            .put("Interval", 1_000_000_000L).put("Timeout", 2_000_000_000L).put("Retries", 3).put("StartPeriod", 0));
    JsonObject task = task("t1", "running", cs);
    task.getJsonObject("Spec").put("Resources", new JsonObject().put("Limits", new JsonObject().put("NanoCPUs", 500_000_000L).put("MemoryBytes", 64L << 20)));

    ContainerSpec spec = ContainerSpecs.fromTask(task, "n1");

    assertThat(spec.name()).isEqualTo("web.1.t1");
    assertThat(spec.entrypoint()).containsExactly("/bin/sh", "-c");
    assertThat(spec.cmd()).containsExactly("sleep 1");
    assertThat(spec.env()).containsExactly("A=1");
    assertThat(spec.workingDir()).isEqualTo("/tmp");
    assertThat(spec.user()).isEqualTo("nobody");
    assertThat(spec.init()).isTrue();
    assertThat(spec.stopSignal()).isEqualTo("SIGINT");
    assertThat(spec.stopTimeoutSeconds()).isEqualTo(3);
    assertThat(spec.nanoCpus()).isEqualTo(500_000_000L);
    assertThat(spec.memoryBytes()).isEqualTo(64L << 20);
    assertThat(spec.healthcheck()).isEqualTo(new ContainerSpec.Healthcheck(List.of("CMD", "true"), 1_000_000_000L, 2_000_000_000L, 3, null));
    assertThat(spec.labels()).containsEntry("team", "a").containsEntry(SwarmLabels.SERVICE_ID, "svc1")
        .containsEntry(SwarmLabels.SERVICE_NAME, "web").containsEntry(SwarmLabels.TASK_ID, "t1")
        .containsEntry(SwarmLabels.TASK_NAME, "web.1.t1").containsEntry(SwarmLabels.NODE_ID, "n1");
    assertThat(ContainerSpecs.stopTimeoutSeconds(task)).isEqualTo(3);
  }

  @Test
  void theTasksLogDriverAndItsOptionsReachTheContainer() {
    JsonObject task = task("t1", "running", new JsonObject().put("Image", "busybox"));
    assertThat(ContainerSpecs.fromTask(task, "n1").logDriver()).isNull(); // the engine's default
    task.getJsonObject("Spec").put("LogDriver", new JsonObject().put("Name", "json-file")
        .put("Options", new JsonObject().put("max-size", "10m").put("max-file", "3")));
    ContainerSpec.LogDriver driver = ContainerSpecs.fromTask(task, "n1").logDriver();
    assertThat(driver).isEqualTo(new ContainerSpec.LogDriver("json-file", Map.of("max-size", "10m", "max-file", "3")));
    assertThat(DockerRuntime.logConfig(driver).getType().getType()).isEqualTo("json-file");
    assertThat(DockerRuntime.logConfig(driver).getConfig()).containsEntry("max-size", "10m");
    assertThatThrownBy(() -> DockerRuntime.logConfig(new ContainerSpec.LogDriver("some-plugin", Map.of())))
        .hasMessage("log driver some-plugin is not supported by this node");
  }

  @Test
  void aHealthcheckWithoutATestStillCarriesItsTimings() {
    JsonObject cs = new JsonObject().put("Image", "busybox")
        .put("Healthcheck", new JsonObject().put("Timeout", 3_000_000_000L).put("StartPeriod", 7_000_000_000L));
    assertThat(ContainerSpecs.fromTask(task("t1", "running", cs), "n1").healthcheck())
        .isEqualTo(new ContainerSpec.Healthcheck(List.of(), null, 3_000_000_000L, null, 7_000_000_000L));
  }

  @Test
  void leavesImageDefaultsAlone() {
    ContainerSpec spec = ContainerSpecs.fromTask(task("t1", "running", new JsonObject().put("Image", "busybox")), "n1");
    assertThat(spec.entrypoint()).isEmpty();
    assertThat(spec.cmd()).isEmpty();
    assertThat(spec.healthcheck()).isNull();
    assertThat(spec.stopTimeoutSeconds()).isNull();
    assertThat(spec.memoryBytes()).isNull();
    assertThat(ContainerSpecs.stopTimeoutSeconds(task("t1", "running", new JsonObject()))).isEqualTo(ContainerSpecs.DEFAULT_STOP_SECONDS);
  }
}
