package io.enxame.agent.files;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * The files a task's container gets from the swarm (its secrets and configs): written before the container is
 * created, bind-mounted read-only into it, and removed once the task has ended or left the node.
 */
public interface TaskFiles {
  /** Writes the task's files; completes with the engine's bind specs ({@code host:container:ro}). */
  Future<List<String>> prepare(JsonObject task);

  /** Removes the task's files; removing files that are not there is fine. */
  Future<Void> release(String taskId);

  /** Removes the files of every task not in this set (tasks that ended while no agent was watching). */
  Future<Void> retainOnly(Set<String> taskIds);

  /** For runtimes and tests without secrets: tasks that use none get no files; tasks that use some are refused. */
  TaskFiles NONE = new TaskFiles() {
    @Override
    public Future<List<String>> prepare(JsonObject task) {
      return io.enxame.shared.model.FileRefs.of(io.enxame.shared.model.Json.object(task, "Spec.ContainerSpec")).isEmpty()
          ? Future.succeededFuture(List.of())
          : Future.failedFuture(new IllegalStateException("this node cannot deliver secrets or configs"));
    }

    @Override
    public Future<Void> release(String taskId) { return Future.succeededFuture(); }

    @Override
    public Future<Void> retainOnly(Set<String> taskIds) { return Future.succeededFuture(); }
  };
}
