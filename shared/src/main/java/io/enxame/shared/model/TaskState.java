package io.enxame.shared.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Swarm task states in lifecycle order, with the lowercase names Docker clients expect.
 * Ranks leave gaps (as swarmkit's do) and a task's observed state only ever moves forward.
 */
public enum TaskState {
  NEW(0), PENDING(64), ASSIGNED(192), ACCEPTED(256), PREPARING(320), READY(384), STARTING(448),
  RUNNING(512), COMPLETE(576), SHUTDOWN(640), FAILED(704), REJECTED(768), REMOVE(800), ORPHANED(832);

  private final int rank;

  TaskState(int rank) { this.rank = rank; }

  public int rank() { return rank; }

  public String wire() { return name().toLowerCase(); }

  public boolean canMoveTo(TaskState next) { return next.rank >= rank; }

  /** A task in a terminal state never runs again: a new task takes its slot. */
  public boolean isTerminal() { return rank > RUNNING.rank; }

  public static Optional<TaskState> fromWire(String s) {
    return Arrays.stream(values()).filter(t -> t.wire().equals(s)).findFirst();
  }

  public static TaskState parse(String s) {
    return fromWire(s).orElseThrow(() -> new IllegalArgumentException("unknown task state: " + s));
  }
}
