package io.enxame.shared.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TaskStateTest {
  @Test
  void statesMoveOnlyForwardInSwarmkitsOrder() {
    assertThat(TaskState.PREPARING.canMoveTo(TaskState.READY)).isTrue();
    assertThat(TaskState.READY.canMoveTo(TaskState.STARTING)).isTrue();
    assertThat(TaskState.RUNNING.canMoveTo(TaskState.FAILED)).isTrue();
    assertThat(TaskState.FAILED.canMoveTo(TaskState.RUNNING)).isFalse();
    assertThat(TaskState.RUNNING.isTerminal()).isFalse();
    assertThat(TaskState.COMPLETE.isTerminal()).isTrue();
  }

  @Test
  void wireNamesAreLowercase() {
    assertThat(TaskState.RUNNING.wire()).isEqualTo("running");
    assertThat(TaskState.fromWire("rejected")).contains(TaskState.REJECTED);
    assertThat(TaskState.fromWire("RUNNING")).isEmpty();
  }

  @Test
  void timestampsAreRfc3339WithNanoseconds() {
    Instant t = Instant.parse("2026-01-02T03:04:05.000000007Z");
    assertThat(Times.format(t)).isEqualTo("2026-01-02T03:04:05.000000007Z");
    assertThat(Times.fromNanos(Times.toNanos(t))).isEqualTo(t);
  }

  @Test
  void idsHaveSwarmkitsShape() {
    assertThat(Ids.newId()).matches("[0-9a-z]{25}").isNotEqualTo(Ids.newId());
  }
}
