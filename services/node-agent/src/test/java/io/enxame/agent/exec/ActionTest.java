package io.enxame.agent.exec;

import org.junit.jupiter.api.Test;

import static io.enxame.shared.model.TaskState.*;
import static org.assertj.core.api.Assertions.assertThat;

class ActionTest {
  private static ContainerInfo c(String status, String health) {
    return new ContainerInfo("c1", status, "running".equals(status), 0, 1, health, "");
  }

  @Test
  void createsWhatShouldRunOrBeReady() {
    assertThat(Action.decide(RUNNING, ASSIGNED, null)).isEqualTo(Action.CREATE);
    assertThat(Action.decide(READY, ASSIGNED, null)).isEqualTo(Action.CREATE);
    assertThat(Action.decide(ASSIGNED, ASSIGNED, null)).isEqualTo(Action.NONE);
  }

  @Test
  void adoptsWithoutDuplicating() {
    assertThat(Action.decide(RUNNING, RUNNING, c("running", null))).isEqualTo(Action.REPORT_RUNNING);
    assertThat(Action.decide(RUNNING, RUNNING, c("running", "healthy"))).isEqualTo(Action.REPORT_RUNNING);
    assertThat(Action.decide(RUNNING, STARTING, c("running", "starting"))).isEqualTo(Action.REPORT_STARTING);
    assertThat(Action.decide(RUNNING, RUNNING, c("running", "unhealthy"))).isEqualTo(Action.STOP_UNHEALTHY);
    assertThat(Action.decide(RUNNING, READY, c("created", null))).isEqualTo(Action.START);
    assertThat(Action.decide(READY, PREPARING, c("created", null))).isEqualTo(Action.REPORT_READY);
  }

  @Test
  void exitsAndDisappearancesEndTheTask() {
    assertThat(Action.decide(RUNNING, RUNNING, c("exited", null))).isEqualTo(Action.REPORT_EXIT);
    assertThat(Action.decide(RUNNING, RUNNING, null)).isEqualTo(Action.REPORT_GONE);
    assertThat(Action.decide(RUNNING, FAILED, null)).isEqualTo(Action.NONE);
    assertThat(Action.decide(RUNNING, FAILED, c("exited", null))).isEqualTo(Action.NONE);
  }

  @Test
  void shutsDownPastRunning() {
    assertThat(Action.decide(SHUTDOWN, RUNNING, c("running", null))).isEqualTo(Action.STOP);
    assertThat(Action.decide(ORPHANED, RUNNING, c("running", null))).isEqualTo(Action.STOP);
    assertThat(Action.decide(SHUTDOWN, RUNNING, c("exited", null))).isEqualTo(Action.REPORT_SHUTDOWN);
    assertThat(Action.decide(SHUTDOWN, ASSIGNED, null)).isEqualTo(Action.REPORT_SHUTDOWN);
    assertThat(Action.decide(SHUTDOWN, FAILED, c("exited", null))).isEqualTo(Action.NONE);
    assertThat(Action.decide(REMOVE, RUNNING, c("running", null))).isEqualTo(Action.REMOVE);
    assertThat(Action.decide(REMOVE, COMPLETE, null)).isEqualTo(Action.NONE);
  }
}
