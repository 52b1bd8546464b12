package io.enxame.agent.exec;

import io.enxame.shared.dispatcher.TaskStatus;

/** Where controllers send what they observe; the dispatcher session batches it upstream. */
@FunctionalInterface
public interface StatusReporter {
  void report(TaskStatus status);
}
