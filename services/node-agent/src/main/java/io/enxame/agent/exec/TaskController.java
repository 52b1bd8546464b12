package io.enxame.agent.exec;

import io.enxame.agent.files.TaskFiles;
import io.enxame.shared.dispatcher.NetworkAddress;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.model.SwarmLabels;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.model.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drives one task's container toward the task's desired state and reports what it observes. Operations
 * on a task run one at a time (a queue of at most one pending reconcile), all on the agent's event loop;
 * the observed state it reports only moves forward.
 */
public final class TaskController {
  private static final Logger LOG = LoggerFactory.getLogger(TaskController.class);
  static final String UNHEALTHY = "unhealthy container";

  private final String taskId;
  private final String nodeId;
  private final ContainerRuntime runtime;
  private final StatusReporter reporter;
  private final TaskFiles files;
  private final Clock clock;
  private JsonObject task;
  private String containerId;
  private TaskState state;
  private TaskStatus last;
  private String healthErr;
  private Future<Void> tail = Future.succeededFuture();
  private boolean queued;
  private boolean removed;

  TaskController(JsonObject task, String containerId, String nodeId, ContainerRuntime runtime, TaskFiles files,
                 StatusReporter reporter, Clock clock) {
    this.files = files;
    this.taskId = task.getString("ID");
    this.task = task;
    this.containerId = containerId;
    this.nodeId = nodeId;
    this.runtime = runtime;
    this.reporter = reporter;
    this.clock = clock;
    // What the store already recorded counts: a restarted agent must not report a task backwards.
    this.state = Tasks.observed(task);
  }

  public String taskId() { return taskId; }

  /** The task as last assigned. */
  public JsonObject task() { return task; }

  /** The latest status this controller reported, if any (re-sent after a session reconnects). */
  public Optional<TaskStatus> lastStatus() { return Optional.ofNullable(last); }

  /** A new version of the task arrived: reconcile against it. */
  public Future<Void> update(JsonObject newTask) {
    task = newTask;
    TaskState recorded = Tasks.observed(newTask);
    if (recorded.rank() > state.rank()) state = recorded;
    return reconcile();
  }

  /** Queues one reconcile; requests made while one is already queued share it. */
  public Future<Void> reconcile() {
    if (queued) return tail;
    queued = true;
    tail = tail.transform(ar -> {
      queued = false;
      if (removed) return Future.succeededFuture();
      return step().recover(e -> {
        LOG.warn("task {}: {}", taskId, e.getMessage());
        return Future.succeededFuture();
      });
    });
    return tail;
  }

  /** The task left this node: remove its containers (force) after any operation in flight. */
  public Future<Void> remove() {
    removed = true;
    tail = tail.transform(ar -> runtime.list(Map.of(SwarmLabels.TASK_ID, taskId, SwarmLabels.NODE_ID, nodeId))
        .compose(refs -> Future.join(refs.stream().map(r -> runtime.remove(r.id())).toList()))
        .<Void>mapEmpty()
        .compose(v -> files.release(taskId))
        .recover(e -> {
          LOG.warn("task {}: could not remove its container: {}", taskId, e.getMessage());
          return Future.succeededFuture();
        }));
    return tail;
  }

  /** An engine event about this task's container. */
  public Future<Void> onEvent(RuntimeEvent event) {
    if (containerId == null && event.containerId() != null && !"destroy".equals(event.action())) containerId = event.containerId();
    return reconcile();
  }

  private Future<Void> step() {
    return inspect().compose(c -> act(Action.decide(Tasks.desired(task), state, c), c));
  }

  private Future<ContainerInfo> inspect() {
    if (containerId == null) return Future.succeededFuture();
    return runtime.inspect(containerId).map(c -> {
      if (c.isEmpty()) containerId = null;
      return c.orElse(null);
    });
  }

  private Future<Void> act(Action action, ContainerInfo c) {
    return switch (action) {
      case NONE -> Future.succeededFuture();
      case CREATE -> create();
      case START -> start(c.id());
      case REPORT_READY -> report(TaskState.READY, "prepared", null, c);
      case REPORT_STARTING -> report(TaskState.STARTING, "starting", null, c);
      case REPORT_RUNNING -> report(TaskState.RUNNING, "started", null, c);
      case REPORT_EXIT -> reportExit(c);
      case REPORT_GONE -> report(TaskState.FAILED, "started", "task: container removed", null);
      case REPORT_SHUTDOWN -> report(TaskState.SHUTDOWN, "shutdown", null, c);
      case STOP -> stop(c).compose(stopped -> report(TaskState.SHUTDOWN, "shutdown", null, stopped));
      case STOP_UNHEALTHY -> {
        healthErr = UNHEALTHY;
        yield stop(c).compose(this::reportExit);
      }
      case REMOVE -> removeContainer(c);
    };
  }

  private Future<Void> create() {
    ContainerSpec spec = ContainerSpecs.fromTask(task, nodeId);
    return report(TaskState.PREPARING, "preparing", null, null)
        .compose(v -> ensureImage(spec.image()))
        .compose(v -> files.prepare(task))
        .compose(binds -> runtime.create(spec.withBinds(binds)))
        .compose(id -> {
          containerId = id;
          // Just created, so no need to ask the engine; but the desired state may have moved on meanwhile.
          ContainerInfo created = ContainerInfo.justCreated(id);
          return act(Action.decide(Tasks.desired(task), state, created), created);
        }, e -> {
          if (e instanceof RuntimeFailure f && f.isConflict()) return adoptExisting();
          return report(TaskState.REJECTED, "preparing", e.getMessage(), null);
        });
  }

  private Future<Void> ensureImage(String image) {
    return runtime.hasImage(image).compose(present -> present ? Future.succeededFuture()
        : runtime.pull(image).recover(e -> {
          LOG.info("task {}: pulling {} failed: {}", taskId, image, e.getMessage());
          return Future.failedFuture(new RuntimeFailure(404, "No such image: " + image));
        }));
  }

  /** The container name was taken: the container already exists for this task, so adopt it. */
  private Future<Void> adoptExisting() {
    return runtime.list(Map.of(SwarmLabels.TASK_ID, taskId)).compose(refs -> {
      if (refs.isEmpty()) {
        return report(TaskState.REJECTED, "preparing", "container name " + Tasks.name(task) + " is already in use", null);
      }
      containerId = refs.get(0).id();
      return step();
    });
  }

  private Future<Void> start(String id) {
    return report(TaskState.STARTING, "starting", null, null)
        .compose(v -> runtime.start(id))
        .compose(v -> inspect(), e -> report(TaskState.FAILED, "starting", e.getMessage(), null).<ContainerInfo>map(x -> null))
        .compose(c -> c == null ? Future.succeededFuture() : act(Action.decide(Tasks.desired(task), state, c), c));
  }

  private Future<ContainerInfo> stop(ContainerInfo c) {
    return runtime.stop(c.id(), ContainerSpecs.stopTimeoutSeconds(task)).compose(v -> inspect());
  }

  private Future<Void> removeContainer(ContainerInfo c) {
    Future<ContainerInfo> stopped = c.running() ? stop(c) : Future.succeededFuture(c);
    return stopped
        .compose(s -> state.isTerminal() ? Future.succeededFuture() : report(TaskState.SHUTDOWN, "shutdown", null, s))
        .compose(v -> runtime.remove(c.id()))
        .onSuccess(v -> containerId = null);
  }

  private Future<Void> reportExit(ContainerInfo c) {
    if (c == null) return report(TaskState.FAILED, "started", "task: container removed", null);
    if (c.exitCode() == 0 && healthErr == null) return report(TaskState.COMPLETE, "finished", null, c);
    String err = "task: non-zero exit (" + c.exitCode() + ")" + (healthErr == null ? "" : ": " + healthErr);
    return report(TaskState.FAILED, "started", err, c);
  }

  private Future<Void> report(TaskState next, String message, String err, ContainerInfo c) {
    if (!state.canMoveTo(next)) return Future.succeededFuture();
    TaskStatus.Builder b = TaskStatus.newBuilder().setTaskId(taskId).setState(next.wire()).setMessage(message)
        .setTimestampNanos(Times.toNanos(clock.instant()));
    if (err != null) b.setErr(err);
    String id = c != null ? c.id() : containerId;
    if (id != null) b.setContainerId(id);
    if (c != null) {
      if (c.running()) b.setPid((int) c.pid()).addAllAddresses(addresses(c));
      if (c.exited()) b.setExitCode((int) c.exitCode());
    }
    TaskStatus status = b.build();
    if (last != null && sameObservation(last, status)) return Future.succeededFuture();
    state = next;
    last = status;
    reporter.report(status);
    // A task's secrets live as long as it runs: an ended container is never started again (a new task is).
    if (next.isTerminal()) files.release(taskId).onFailure(e -> LOG.warn("task {}: could not remove its files: {}", taskId, e.getMessage()));
    return Future.succeededFuture();
  }

  /** The container's addresses by swarm network (the engine's default bridge as "bridge"); others are not the swarm's. */
  private List<NetworkAddress> addresses(ContainerInfo c) {
    Map<String, String> swarmIds = new HashMap<>();
    swarmIds.put(Tasks.BRIDGE, Tasks.BRIDGE);
    ContainerSpecs.attachments(task).forEach(a -> swarmIds.put(a.network().name(), a.network().swarmId()));
    List<NetworkAddress> out = new ArrayList<>();
    c.addresses().forEach((network, cidr) -> {
      String id = swarmIds.get(network);
      if (id != null) out.add(NetworkAddress.newBuilder().setNetworkId(id).setAddress(cidr).build());
    });
    return out;
  }

  private static boolean sameObservation(TaskStatus a, TaskStatus b) {
    return a.getState().equals(b.getState()) && a.getErr().equals(b.getErr())
        && a.getContainerId().equals(b.getContainerId()) && a.getPid() == b.getPid() && a.getExitCode() == b.getExitCode()
        && a.getAddressesList().equals(b.getAddressesList());
  }
}
