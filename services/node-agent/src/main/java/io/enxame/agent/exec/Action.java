package io.enxame.agent.exec;

import io.enxame.shared.model.TaskState;

/**
 * What a task controller must do next, decided from the task's desired state, its last known observed
 * state and the container as the engine reports it. Pure logic: the controller performs the action.
 */
public enum Action {
  /** Nothing to do (or wait for an event: a health check to pass, a container to exit). */
  NONE,
  /** No container yet: pull if needed and create; start it too when the task should run. */
  CREATE,
  /** The container was created (desired ready) and must now run. */
  START,
  /** Created and not started, while the task should only be ready. */
  REPORT_READY,
  /** Running, health check not passed yet. */
  REPORT_STARTING,
  REPORT_RUNNING,
  /** The container exited: complete or failed with its exit code. */
  REPORT_EXIT,
  /** The container of a started task disappeared. */
  REPORT_GONE,
  /** The task should no longer run and no container runs for it. */
  REPORT_SHUTDOWN,
  STOP,
  /** The health check failed: stop the container and fail the task. */
  STOP_UNHEALTHY,
  REMOVE;

  public static Action decide(TaskState desired, TaskState current, ContainerInfo container) {
    if (desired == TaskState.REMOVE) {
      if (container != null) return REMOVE;
      return current.isTerminal() ? NONE : REPORT_SHUTDOWN;
    }
    // A job's task has desired state "complete": it runs until its container exits, as swarmkit's do.
    if (desired == TaskState.COMPLETE && !current.isTerminal()) desired = TaskState.RUNNING;
    if (desired.rank() > TaskState.RUNNING.rank()) {
      if (container != null && container.running()) return STOP;
      return current.isTerminal() ? NONE : REPORT_SHUTDOWN;
    }
    // The task should be ready or running; a task in a terminal state never runs again.
    if (desired.rank() < TaskState.READY.rank() || current.isTerminal()) return NONE;
    if (container == null) {
      return current.rank() >= TaskState.STARTING.rank() ? REPORT_GONE : CREATE;
    }
    if (container.running()) {
      if ("starting".equals(container.health())) return REPORT_STARTING;
      if ("unhealthy".equals(container.health())) return STOP_UNHEALTHY;
      return REPORT_RUNNING;
    }
    if (container.exited()) return REPORT_EXIT;
    if (container.created()) return desired == TaskState.RUNNING ? START : REPORT_READY;
    return NONE; // paused, restarting, removing: wait for the next event
  }
}
