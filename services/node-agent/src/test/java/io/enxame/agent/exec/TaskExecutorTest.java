package io.enxame.agent.exec;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.dispatcher.Assignments;
import io.enxame.shared.dispatcher.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.enxame.agent.exec.ContainerSpecsTest.task;
import static org.assertj.core.api.Assertions.assertThat;

/** The reconcile decisions carried out against an in-memory engine. */
class TaskExecutorTest {
  private static final String NODE = "n1";
  private Vertx vertx;
  private FakeRuntime runtime;
  private TaskExecutor executor;
  private final List<TaskStatus> reported = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    runtime = new FakeRuntime();
    runtime.images.add("busybox");
    executor = new TaskExecutor(vertx, runtime, NODE, reported::add, Clock.systemUTC());
  }

  @AfterEach
  void tearDown() throws Exception {
    await(executor.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static JsonObject web(String id, String desired) {
    return task(id, desired, new JsonObject().put("Image", "busybox").put("Args", new JsonArray().add("sleep").add("300"))
        .put("StopGracePeriod", 4_000_000_000L));
  }

  private void assign(boolean full, List<JsonObject> tasks, String... removed) throws Exception {
    Assignments.Builder b = Assignments.newBuilder().setFull(full).addAllRemovedTaskIds(List.of(removed));
    tasks.forEach(t -> b.addTasksJson(t.encode()));
    await(executor.apply(b.build()));
  }

  private List<String> states(String taskId) {
    return reported.stream().filter(s -> s.getTaskId().equals(taskId)).map(TaskStatus::getState).toList();
  }

  private TaskStatus last(String taskId) {
    return executor.controller(taskId).orElseThrow().lastStatus().orElseThrow();
  }

  @Test
  void createsAndStartsATaskThatShouldRun() throws Exception {
    assign(true, List.of(web("t1", "running")));

    assertThat(runtime.containers).hasSize(1);
    FakeRuntime.Fake c = runtime.containers.values().iterator().next();
    assertThat(c.spec.name()).isEqualTo("web.1.t1");
    assertThat(c.status).isEqualTo("running");
    assertThat(states("t1")).containsExactly("preparing", "starting", "running");
    assertThat(last("t1").getContainerId()).isEqualTo(c.id);
    assertThat(last("t1").getPid()).isEqualTo(4242);
    assertThat(last("t1").getMessage()).isEqualTo("started");
  }

  @Test
  void readyCreatesWithoutStartingThenRunningStarts() throws Exception {
    assign(false, List.of(web("t1", "ready")));
    assertThat(runtime.containers.values()).singleElement().satisfies(c -> assertThat(c.status).isEqualTo("created"));
    assertThat(states("t1")).containsExactly("preparing", "ready");

    assign(false, List.of(web("t1", "running")));
    assertThat(runtime.containers.values()).singleElement().satisfies(c -> assertThat(c.status).isEqualTo("running"));
    assertThat(states("t1")).containsExactly("preparing", "ready", "starting", "running");
  }

  @Test
  void adoptsARunningContainerInsteadOfDuplicatingIt() throws Exception {
    FakeRuntime.Fake old = runtime.existing("t1", NODE, "running");
    await(executor.adopt());
    JsonObject task = web("t1", "running");
    task.getJsonObject("Status").put("State", "running");

    assign(true, List.of(task));

    assertThat(runtime.calls).noneMatch(c -> c.startsWith("create") || c.startsWith("start"));
    assertThat(states("t1")).containsExactly("running");
    assertThat(last("t1").getContainerId()).isEqualTo(old.id);
  }

  @Test
  void reportsExitOfAnAdoptedContainer() throws Exception {
    runtime.existing("t1", NODE, "exited").exitCode = 3;
    runtime.existing("t2", NODE, "exited").exitCode = 0;
    await(executor.adopt());

    assign(true, List.of(web("t1", "running"), web("t2", "running")));

    assertThat(last("t1").getState()).isEqualTo("failed");
    assertThat(last("t1").getErr()).isEqualTo("task: non-zero exit (3)");
    assertThat(last("t1").getExitCode()).isEqualTo(3);
    assertThat(last("t2").getState()).isEqualTo("complete");
    assertThat(last("t2").getMessage()).isEqualTo("finished");
  }

  @Test
  void aDeathFailsTheTaskAndNothingMovesBackwards() throws Exception {
    await(executor.watchEvents());
    assign(true, List.of(web("t1", "running")));
    String id = last("t1").getContainerId();

    runtime.exit(id, 137);
    await(executor.controller("t1").orElseThrow().reconcile());
    assertThat(last("t1").getState()).isEqualTo("failed");
    assertThat(last("t1").getErr()).isEqualTo("task: non-zero exit (137)");

    // Even if something restarts the container, a failed task is not reported running again.
    runtime.containers.get(id).status = "running";
    assign(false, List.of(web("t1", "running")));
    assertThat(states("t1")).containsExactly("preparing", "starting", "running", "failed");
  }

  @Test
  void aRemovedContainerFailsTheTask() throws Exception {
    assign(true, List.of(web("t1", "running")));
    String id = last("t1").getContainerId();
    runtime.containers.remove(id);

    await(executor.controller("t1").orElseThrow().onEvent(new RuntimeEvent("destroy", id, "t1")));

    assertThat(last("t1").getState()).isEqualTo("failed");
    assertThat(last("t1").getErr()).isEqualTo("task: container removed");
  }

  @Test
  void shutdownStopsWithTheGracePeriodAndKeepsTheContainer() throws Exception {
    assign(true, List.of(web("t1", "running")));
    String id = last("t1").getContainerId();

    assign(false, List.of(web("t1", "shutdown")));

    assertThat(runtime.calls).contains("stop " + id + " 4");
    assertThat(runtime.containers.get(id).status).isEqualTo("exited");
    assertThat(last("t1").getState()).isEqualTo("shutdown");

    assign(false, List.of(web("t1", "remove")));
    assertThat(runtime.containers).isEmpty();
    assertThat(states("t1")).endsWith("running", "shutdown");
  }

  @Test
  void missingImageThatCannotBePulledIsRejected() throws Exception {
    JsonObject task = web("t1", "running");
    task.getJsonObject("Spec").getJsonObject("ContainerSpec").put("Image", "nowhere/nothing:1");

    assign(true, List.of(task));

    assertThat(runtime.calls).contains("pull nowhere/nothing:1");
    assertThat(last("t1").getState()).isEqualTo("rejected");
    assertThat(last("t1").getErr()).isEqualTo("No such image: nowhere/nothing:1");
    assertThat(runtime.containers).isEmpty();
  }

  @Test
  void presentImageIsNotPulledAndCreationErrorsReject() throws Exception {
    runtime.createFailure = "invalid reference format";
    assign(true, List.of(web("t1", "running")));

    assertThat(runtime.calls).noneMatch(c -> c.startsWith("pull"));
    assertThat(last("t1").getState()).isEqualTo("rejected");
    assertThat(last("t1").getErr()).isEqualTo("invalid reference format");
  }

  @Test
  void aNameConflictAdoptsTheExistingContainer() throws Exception {
    // Not indexed (no adopt()): the engine's unique names still prevent a duplicate.
    FakeRuntime.Fake other = runtime.existing("t1", NODE, "running");
    runtime.containers.remove(other.id);
    FakeRuntime.Fake named = new FakeRuntime.Fake(other.id, ContainerSpecs.fromTask(web("t1", "running"), NODE));
    named.status = "running";
    runtime.containers.put(named.id, named);

    assign(false, List.of(web("t1", "running")));

    assertThat(runtime.containers).hasSize(1);
    assertThat(last("t1").getState()).isEqualTo("running");
    assertThat(last("t1").getContainerId()).isEqualTo(named.id);
  }

  @Test
  void fullAssignmentsRemoveOrphansAndRemovedIdsRemoveContainers() throws Exception {
    FakeRuntime.Fake orphan = runtime.existing("gone", NODE, "running");
    FakeRuntime.Fake foreign = runtime.existing("x", "another-node", "running");
    await(executor.adopt());
    assign(true, List.of(web("t1", "running"), web("t2", "running")));

    assertThat(runtime.containers).doesNotContainKey(orphan.id).containsKey(foreign.id).hasSize(3);

    String t2 = last("t2").getContainerId();
    assign(false, List.of(), "t2");
    assertThat(runtime.containers).doesNotContainKey(t2).hasSize(2);
    assertThat(executor.controller("t2")).isEmpty();

    assign(true, List.of());
    assertThat(runtime.containers.keySet()).containsExactly(foreign.id);
  }

  @Test
  void anUnhealthyContainerIsStoppedAndTheTaskFails() throws Exception {
    JsonObject task = web("t1", "running");
    assign(true, List.of(task));
    FakeRuntime.Fake c = runtime.containers.values().iterator().next();
    c.health = "unhealthy";

    await(executor.controller("t1").orElseThrow().onEvent(new RuntimeEvent("health_status: unhealthy", c.id, "t1")));

    assertThat(c.status).isEqualTo("exited");
    assertThat(last("t1").getState()).isEqualTo("failed");
    assertThat(last("t1").getErr()).isEqualTo("task: non-zero exit (143): unhealthy container");
  }

  @Test
  void statusesAreRememberedForAResend() throws Exception {
    assign(true, List.of(web("t1", "running"), web("t2", "shutdown")));
    assertThat(executor.latestStatuses()).extracting(TaskStatus::getTaskId, TaskStatus::getState)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("t1", "running"), org.assertj.core.groups.Tuple.tuple("t2", "shutdown"));
  }

  @Test
  void aBrokenEventStreamIsReopenedAndEverythingReconciled() throws Exception {
    await(executor.watchEvents());
    assign(true, List.of(web("t1", "running")));
    String id = last("t1").getContainerId();
    // The container dies while no one listens.
    runtime.events = null;
    runtime.containers.get(id).status = "exited";
    runtime.containers.get(id).exitCode = 137;

    vertx.runOnContext(v -> runtime.eventsEnd.handle(new RuntimeException("connection reset")));

    Eventually.until("the events stream reopened and the exit reported", Duration.ofSeconds(5), () -> runtime.subscriptions.get() >= 2
        && executor.latestStatuses().stream().anyMatch(s -> s.getState().equals("failed")), Boolean::booleanValue);
    assertThat(executor.latestStatuses()).singleElement().satisfies(s -> assertThat(s.getErr()).isEqualTo("task: non-zero exit (137)"));
  }
}
