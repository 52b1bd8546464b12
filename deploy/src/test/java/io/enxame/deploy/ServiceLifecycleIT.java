package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Swarm's service lifecycle through the real docker CLI and real containers: health-gated updates that
 * roll back, start-first updates, restart conditions, global services following node labels, jobs, and
 * placement on one node (reservations, max replicas per node, a waiting task placed once a node fits).
 * One Enxame for the class; each test uses its own services and removes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceLifecycleIT {
  @TempDir static Path dataDir;

  private LocalEnxame enxame;
  private String image;
  private NodeIdentity id;
  private DockerCli cli;
  private final DockerCli engine = DockerCli.engine();

  @BeforeAll
  void start() throws Exception {
    enxame = LocalEnxame.start(dataDir);
    image = enxame.image;
    id = enxame.id;
    cli = enxame.cli;
  }

  @AfterAll
  void stop() throws Exception {
    if (enxame != null) enxame.close();
  }

  private List<String> running(String service) {
    return DockerCli.lines(engine.run("ps", "--filter", "label=com.docker.swarm.service.name=" + service,
        "--filter", "label=com.docker.swarm.node.id=" + id.nodeId(), "--format", "{{.Names}}").ok().out());
  }

  private String inspect(String service, String format) {
    return cli.run("service", "inspect", service, "--format", format).ok().out().trim();
  }

  private String container(String name, String format) {
    return engine.run("inspect", "--format", format, name).ok().out().trim();
  }

  @Test
  void oneUpdateWithManyFlagsReachesInspectAndTheContainers() {
    int port = Ports.free();
    cli.run("service", "create", "--name", "flags", "--init", "--stop-grace-period", "1s", "--update-monitor", "1s",
        "--env", "KEEP=1", "--env", "GONE=1", "--label", "old=1", "--container-label", "cold=1",
        "--log-driver", "json-file", "--log-opt", "max-size=10m", image, "sleep", "300").ok();
    try {
      cli.run("service", "update", "--env-rm", "GONE", "--args", "sleep 301", "--label-add", "new=2", "--label-rm", "old",
          "--container-label-add", "cnew=2", "--container-label-rm", "cold", "--publish-add", port + ":80",
          "--constraint-add", "node.role==manager", "flags").ok();
      assertThat(inspect("flags", "{{json .Spec.Labels}}")).isEqualTo("{\"new\":\"2\"}");
      assertThat(inspect("flags", "{{json .Spec.TaskTemplate.ContainerSpec.Labels}}")).isEqualTo("{\"cnew\":\"2\"}");
      assertThat(inspect("flags", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}")).isEqualTo("[\"KEEP=1\"]");
      assertThat(inspect("flags", "{{json .Spec.TaskTemplate.ContainerSpec.Args}}")).isEqualTo("[\"sleep\",\"301\"]");
      assertThat(inspect("flags", "{{json .Spec.TaskTemplate.Placement.Constraints}}")).isEqualTo("[\"node.role==manager\"]");
      assertThat(inspect("flags", "{{range .Endpoint.Ports}}{{.Protocol}} {{.PublishedPort}}:{{.TargetPort}} {{.PublishMode}}{{end}}"))
          .isEqualTo("tcp " + port + ":80 ingress");
      String c = Eventually.until("one updated container", Duration.ofSeconds(30), () -> running("flags"),
          r -> r.size() == 1 && container(r.get(0), "{{json .Config.Cmd}}").contains("301")).get(0);
      assertThat(container(c, "{{json .Config.Env}}")).contains("KEEP=1").doesNotContain("GONE");
      assertThat(container(c, "{{json .Config.Cmd}}")).endsWith("[\"sleep\",\"301\"]");
      assertThat(container(c, "{{index .Config.Labels \"cnew\"}}")).isEqualTo("2");
      assertThat(container(c, "{{json .Config.Labels}}")).doesNotContain("cold").doesNotContain("\"new\"");
      assertThat(container(c, "{{.HostConfig.LogConfig.Type}} {{json .HostConfig.LogConfig.Config}}")).isEqualTo("json-file {\"max-size\":\"10m\"}");

      // --publish-rm names the target port, as on Swarm. A constraint no node meets leaves the new task waiting; removing it places it again.
      cli.run("service", "update", "--detach", "--publish-rm", "80", "--constraint-rm", "node.role==manager",
          "--constraint-add", "node.labels.nowhere==1", "flags").ok();
      assertThat(inspect("flags", "{{json .Endpoint.Ports}}")).isIn("null", "[]");
      assertThat(inspect("flags", "{{json .Spec.EndpointSpec.Ports}}")).isIn("null", "[]");
      Eventually.until("the task to wait for a node", Duration.ofSeconds(30),
          () -> cli.run("service", "ps", "flags", "--filter", "desired-state=running", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}").ok().out(),
          o -> o.startsWith("Pending") && o.contains("scheduling constraints not satisfied on 1 node"));
      assertThat(running("flags")).isEmpty();
      cli.run("service", "update", "--constraint-rm", "node.labels.nowhere==1", "flags").ok();
      assertThat(inspect("flags", "{{json .Spec.TaskTemplate.Placement}}")).doesNotContain("nowhere");
      assertThat(running("flags")).hasSize(1);
    } finally {
      cli.run("service", "rm", "flags");
    }
  }

  /** When each running container of the service that has this env entry started, in order. */
  private List<java.time.Instant> startTimes(String service, String env) {
    return running(service).stream().filter(c -> container(c, "{{json .Config.Env}}").contains("\"" + env + "\""))
        .map(c -> java.time.Instant.parse(container(c, "{{.State.StartedAt}}"))).sorted().toList();
  }

  @Test
  void updateAllAtOnceThenRollBackInPairsWithTheRollbackConfig() {
    // The update config (all at once, 3 s between batches) and the rollback config (2 at a time, 2 s apart) differ.
    cli.run("service", "create", "--name", "par", "--replicas", "4", "--init", "--stop-grace-period", "1s", "--env", "V=1",
        "--update-parallelism", "0", "--update-delay", "3s", "--update-monitor", "1s",
        "--rollback-parallelism", "2", "--rollback-delay", "2s", "--rollback-monitor", "1s", image, "sleep", "300").ok();
    try {
      cli.run("service", "update", "--env-add", "V=2", "par").ok();
      List<java.time.Instant> updated = Eventually.until("four updated containers", Duration.ofSeconds(30),
          () -> startTimes("par", "V=2"), t -> t.size() == 4);
      // One at a time would take at least 3 × 3 s.
      assertThat(Duration.between(updated.get(0), updated.get(3))).isLessThan(Duration.ofSeconds(6));

      cli.run("service", "rollback", "par").ok();
      Eventually.until("the rollback to complete", Duration.ofSeconds(60), () -> inspect("par", "{{.UpdateStatus.State}}"),
          "rollback_completed"::equals);
      assertThat(inspect("par", "{{.UpdateStatus.Message}}")).isEqualTo("rollback completed");
      assertThat(inspect("par", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}")).isEqualTo("[\"V=1\"]");
      List<java.time.Instant> back = Eventually.until("four previous-spec containers", Duration.ofSeconds(30),
          () -> startTimes("par", "V=1"), t -> t.size() == 4 && running("par").size() == 4);
      // Two pairs, the second at least the rollback delay after the first.
      assertThat(Duration.between(back.get(1), back.get(2))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
      assertThat(Duration.between(back.get(0), back.get(1))).isLessThan(Duration.ofSeconds(2));
      assertThat(Duration.between(back.get(2), back.get(3))).isLessThan(Duration.ofSeconds(2));
    } finally {
      cli.run("service", "rm", "par");
    }
  }

  @Test
  void aPausedUpdateResumesWithTheNextUpdateAndContinueIgnoresFailures() {
    // No restarts, so every failure is one replaced slot and the count is exact.
    cli.run("service", "create", "--name", "fa", "--replicas", "3", "--init", "--stop-grace-period", "1s",
        "--restart-condition", "none", "--update-monitor", "1s", image, "sleep", "300").ok();
    try {
      cli.run("service", "update", "--detach", "--update-failure-action", "pause", "--update-max-failure-ratio", "0.5",
          "--init=false", "--args", "no-such-command", "fa").ok(); // never runs: the updater waits for each failure
      // One failure of three slots is within 0.5; the second is not: the update pauses with one old task left.
      Eventually.until("the update to pause", Duration.ofSeconds(60), () -> inspect("fa", "{{.UpdateStatus.State}}"), "paused"::equals);
      assertThat(inspect("fa", "{{.UpdateStatus.Message}}")).startsWith("update paused due to failure or early termination of task");
      Runnable oneOldTaskLeft = () -> assertThat(running("fa")).singleElement()
          .satisfies(c -> assertThat(container(c, "{{json .Config.Cmd}}")).endsWith("[\"sleep\",\"300\"]"));
      oneOldTaskLeft.run();
      assertThat(failedTasks("fa")).hasSize(2);

      // The next update resumes it; with failure action continue the last slot is replaced too, and it completes.
      cli.run("service", "update", "--detach", "--update-failure-action", "continue", "fa").ok();
      Eventually.until("the update to complete", Duration.ofSeconds(60), () -> inspect("fa", "{{.UpdateStatus.State}}"), "completed"::equals);
      assertThat(running("fa")).isEmpty();
      assertThat(failedTasks("fa")).hasSize(3).allSatisfy(l -> assertThat(l).contains("no-such-command"));
    } finally {
      cli.run("service", "rm", "fa");
    }
  }

  private List<String> failedTasks(String service) {
    return DockerCli.lines(cli.run("service", "ps", service, "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}").ok().out())
        .stream().filter(l -> l.startsWith("Failed")).toList();
  }

  @Test
  void theImagesHealthcheckGatesRunningAndAServiceTunesOrDropsIt() {
    // An image of our own with a HEALTHCHECK that passes once /tmp/ok exists.
    String hcImage = "enxame-test/hc:" + id.nodeId();
    String base = engine.run("create", image, "true").ok().out().trim();
    try {
      engine.run("commit", "--change", "HEALTHCHECK --interval=1s --retries=1 CMD test -f /tmp/ok", base, hcImage).ok();
    } finally {
      engine.run("rm", base);
    }
    try {
      cli.run("service", "create", "--detach", "--name", "imghc", "--init", "--stop-grace-period", "1s",
          "--health-timeout", "3s", "--health-start-period", "7s", hcImage, "sh", "-c", "sleep 3; touch /tmp/ok; exec sleep 300").ok();
      cli.run("service", "create", "--detach", "--name", "nohc", "--init", "--stop-grace-period", "1s", "--no-healthcheck",
          hcImage, "sleep", "300").ok();

      String c = Eventually.until("imghc's container", Duration.ofSeconds(30), () -> running("imghc"), r -> r.size() == 1).get(0);
      // The service's timeout and start period join the image's test, interval and retries.
      assertThat(container(c, "{{json .Config.Healthcheck}}")).isEqualTo("{\"Test\":[\"CMD-SHELL\",\"test -f /tmp/ok\"],"
          + "\"Interval\":1000000000,\"Timeout\":3000000000,\"StartPeriod\":7000000000,\"Retries\":1}");
      assertThat(cli.run("service", "ps", "imghc", "--format", "{{.CurrentState}}").ok().out()).startsWith("Starting");
      Eventually.until("imghc to run once healthy", Duration.ofSeconds(30),
          () -> cli.run("service", "ps", "imghc", "--format", "{{.CurrentState}}").ok().out(), o -> o.startsWith("Running"));
      assertThat(container(c, "{{.State.Health.Status}}")).isEqualTo("healthy");

      // --no-healthcheck: NONE reaches the container, which runs though /tmp/ok never appears.
      String n = Eventually.until("nohc to run", Duration.ofSeconds(30),
          () -> cli.run("service", "ps", "nohc", "--format", "{{.CurrentState}}").ok().out(), o -> o.startsWith("Running")).trim();
      assertThat(n).isNotEmpty();
      assertThat(inspect("nohc", "{{json .Spec.TaskTemplate.ContainerSpec.Healthcheck.Test}}")).isEqualTo("[\"NONE\"]");
      assertThat(running("nohc")).singleElement().satisfies(nc -> {
        assertThat(container(nc, "{{json .Config.Healthcheck.Test}}")).isEqualTo("[\"NONE\"]");
        assertThat(container(nc, "{{json .State.Health}}")).isEqualTo("null");
      });
    } finally {
      cli.run("service", "rm", "imghc", "nohc");
      for (String s : List.of("imghc", "nohc")) {
        DockerCli.lines(engine.run("ps", "-aq", "--filter", "label=com.docker.swarm.service.name=" + s).out()).forEach(x -> engine.run("rm", "-f", x));
      }
      engine.run("rmi", "-f", hcImage);
    }
  }

  @Test
  void restartConditionNoneLeavesAKilledTaskAndTheWindowResetsAttempts() throws Exception {
    cli.run("service", "create", "--detach", "--name", "norestart", "--init", "--restart-condition", "none",
        "--restart-delay", "0s", image, "sleep", "300").ok();
    // One attempt, but counted per 1 s window: runs of 1.5 s never use it up (without the window: 2 runs, then no more).
    cli.run("service", "create", "--detach", "--name", "windowed", "--restart-condition", "on-failure", "--restart-delay", "0s",
        "--restart-max-attempts", "1", "--restart-window", "1s", image, "sh", "-c", "sleep 1.5; exit 1").ok();
    try {
      String victim = Eventually.until("norestart's container", Duration.ofSeconds(30), () -> running("norestart"), r -> r.size() == 1).get(0);
      engine.run("kill", victim).ok();
      Eventually.until("windowed to fail a third time", Duration.ofSeconds(60), () -> failedTasks("windowed"), f -> f.size() >= 3);
      // Well past a restart delay of 0 s: the killed task is still the only one.
      assertThat(DockerCli.lines(cli.run("service", "ps", "norestart", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}").ok().out()))
          .singleElement().satisfies(l -> assertThat(l).startsWith("Failed").endsWith("task: non-zero exit (137)\""));
      assertThat(running("norestart")).isEmpty();
      assertThat(cli.run("service", "ls", "--filter", "name=norestart").ok().out()).containsPattern("norestart\\s+replicated\\s+0/1");
    } finally {
      cli.run("service", "rm", "norestart", "windowed");
    }
  }

  @Test
  void theSwarmsTaskHistoryLimitPrunesOldTasksAndTheirContainers() {
    cli.run("swarm", "update", "--task-history-limit", "2").ok();
    try {
      assertThat(cli.run("info").ok().out()).contains("Task History Retention Limit: 2");
      cli.run("service", "create", "--name", "hist", "--init", "--stop-grace-period", "1s", "--update-monitor", "1s",
          image, "sleep", "300").ok();
      for (int i = 0; i < 3; i++) cli.run("service", "update", "--force", "hist").ok();
      // Four tasks were made in the slot; the two oldest leave the store and the engine.
      List<String> tasks = Eventually.until("two tasks left", Duration.ofSeconds(30),
          () -> DockerCli.lines(cli.run("service", "ps", "hist", "--no-trunc", "--format", "{{.ID}} {{.DesiredState}}").ok().out()),
          l -> l.size() == 2);
      assertThat(tasks).anySatisfy(l -> assertThat(l).endsWith(" Running")).anySatisfy(l -> assertThat(l).endsWith(" Shutdown"));
      List<String> ids = tasks.stream().map(l -> l.split(" ")[0]).toList();
      Eventually.until("only their containers", Duration.ofSeconds(30), () -> DockerCli.lines(engine.run("ps", "-a",
              "--filter", "label=com.docker.swarm.service.name=hist", "--format", "{{.Names}}").ok().out()),
          names -> names.size() == 2 && names.stream().allMatch(n -> ids.contains(n.substring(n.lastIndexOf('.') + 1))));
    } finally {
      cli.run("swarm", "update", "--task-history-limit", "5");
      cli.run("service", "rm", "hist");
    }
  }

  @Test
  void aRollbackToASpecThatFailsPausesWithItsOwnFailureAction() {
    // The first spec cannot start (no such command: its tasks never run, so the updater never moves past one);
    // the update to a good one completes; rolling back to the bad one pauses.
    cli.run("service", "create", "--detach", "--name", "rp", "--replicas", "2", "--stop-grace-period", "1s",
        "--restart-condition", "none", "--update-monitor", "1s", "--update-parallelism", "0",
        "--rollback-monitor", "1s", "--rollback-failure-action", "pause", image, "no-such-command").ok();
    try {
      cli.run("service", "update", "--init", "--args", "sleep 300", "rp").ok();
      assertThat(running("rp")).hasSize(2);
      cli.run("service", "rollback", "--detach", "rp").ok();
      Eventually.until("the rollback to pause", Duration.ofSeconds(60), () -> inspect("rp", "{{.UpdateStatus.State}}"), "rollback_paused"::equals);
      assertThat(inspect("rp", "{{.UpdateStatus.Message}}")).startsWith("rollback paused due to failure or early termination of task");
      // Parallelism 1 while rolling back (the default): one slot was tried, the other still runs the good spec.
      assertThat(running("rp")).singleElement()
          .satisfies(c -> assertThat(container(c, "{{json .Config.Cmd}}")).endsWith("[\"sleep\",\"300\"]"));
    } finally {
      cli.run("service", "rm", "rp");
    }
  }

  @Test
  void anUpdateWhoseTasksNeverGetHealthyRollsBack() {
    cli.run("service", "create", "--name", "hc", "--replicas", "2", "--init", "--stop-grace-period", "1s",
        "--health-cmd", "true", "--health-interval", "1s", "--update-monitor", "2s", "--rollback-monitor", "1s",
        image, "sleep", "300").ok();
    List<String> before = running("hc");
    assertThat(before).hasSize(2);

    // Whether the CLI exits non-zero depends on whether it sees rollback_completed before the old spec has
    // converged (docker/cli's progress loop), as with Swarm; what it prints and what ends up running do not.
    DockerCli.Result update = cli.run("service", "update", "--health-cmd", "false", "--health-retries", "1",
        "--update-failure-action", "rollback", "hc");
    assertThat(update.out() + update.err()).contains("rollback: update rolled back due to failure or early termination of task");
    Eventually.until("the rollback to complete", Duration.ofSeconds(60), () -> inspect("hc", "{{.UpdateStatus.State}}"),
        "rollback_completed"::equals);
    assertThat(inspect("hc", "{{.UpdateStatus.Message}}")).isEqualTo("rollback completed");
    assertThat(inspect("hc", "{{json .Spec.TaskTemplate.ContainerSpec.Healthcheck.Test}}")).isEqualTo("[\"CMD-SHELL\",\"true\"]");
    Eventually.until("two healthy old-spec tasks", Duration.ofSeconds(30), () -> running("hc"), r -> r.size() == 2);
    String ps = cli.run("service", "ps", "hc", "--no-trunc").ok().out();
    assertThat(ps).contains("unhealthy container");
    cli.run("service", "rm", "hc").ok();
  }

  @Test
  void startFirstNeverDropsBelowTheReplicaCount() throws Exception {
    cli.run("service", "create", "--name", "sf", "--replicas", "2", "--init", "--stop-grace-period", "1s",
        "--update-order", "start-first", "--update-monitor", "1s", image, "sleep", "300").ok();
    AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
    AtomicBoolean done = new AtomicBoolean();
    Thread watcher = new Thread(() -> {
      while (!done.get()) fewest.accumulateAndGet(running("sf").size(), Math::min);
    });
    watcher.start();
    try {
      cli.run("service", "update", "--env-add", "V=2", "sf").ok();
    } finally {
      done.set(true);
      watcher.join();
    }
    assertThat(fewest.get()).isGreaterThanOrEqualTo(2);
    // The CLI returns once the new tasks run; the old containers may still be stopping.
    Eventually.until("only updated containers", Duration.ofSeconds(30), () -> running("sf"), names -> names.size() == 2
        && names.stream().allMatch(c -> engine.run("inspect", "--format", "{{json .Config.Env}}", c).out().contains("V=2")));
    Eventually.until("the update to complete", Duration.ofSeconds(30), () -> inspect("sf", "{{.UpdateStatus.State}}"), "completed"::equals);
    // The same spec again changes nothing: no task is restarted.
    List<String> settled = running("sf");
    cli.run("service", "update", "--detach", "sf").ok();
    assertThat(inspect("sf", "{{.UpdateStatus}}")).isEqualTo("<nil>");
    Thread.sleep(1000); // a replacement would have begun well within this
    assertThat(running("sf")).containsExactlyInAnyOrderElementsOf(settled);
    cli.run("service", "rm", "sf").ok();
  }

  @Test
  void onFailureLeavesACleanExitCompleteAndRetriesAFailure() {
    cli.run("service", "create", "--detach", "--name", "once", "--restart-condition", "on-failure",
        "--restart-delay", "0s", image, "true").ok();
    cli.run("service", "create", "--detach", "--name", "flaky", "--restart-condition", "on-failure",
        "--restart-delay", "0s", "--restart-max-attempts", "2", image, "false").ok();
    Eventually.until("flaky to use up its attempts", Duration.ofSeconds(60),
        () -> DockerCli.lines(cli.run("service", "ps", "flaky", "--format", "{{.CurrentState}}").ok().out()),
        s -> s.size() == 3 && s.stream().allMatch(l -> l.startsWith("Failed")));
    List<String> once = DockerCli.lines(cli.run("service", "ps", "once", "--format", "{{.DesiredState}} {{.CurrentState}}").ok().out());
    assertThat(once).singleElement().satisfies(l -> assertThat(l).startsWith("Complete Complete"));
    cli.run("service", "rm", "once", "flaky").ok();
  }

  @Test
  void aGlobalServiceFollowsNodeLabels() {
    cli.run("service", "create", "--name", "agent", "--mode", "global", "--init", "--stop-grace-period", "1s",
        "--constraint", "node.labels.agent==yes", "--detach", image, "sleep", "300").ok();
    assertThat(running("agent")).isEmpty();
    try {
      cli.run("node", "update", "--label-add", "agent=yes", id.nodeId()).ok();
      Eventually.until("a task on the labelled node", Duration.ofSeconds(30), () -> running("agent"), r -> r.size() == 1);
      assertThat(running("agent").get(0)).matches("agent\\." + id.nodeId() + "\\.[0-9a-z]{25}");
      // The container runs a moment before the agent's report of it lands in the store.
      Eventually.until("agent 1/1", Duration.ofSeconds(10), () -> cli.run("service", "ls").ok().out(),
          o -> o.matches("(?s).*agent\\s+global\\s+1/1.*"));
      cli.run("node", "update", "--label-rm", "agent", id.nodeId()).ok();
      Eventually.until("the task to stop", Duration.ofSeconds(30), () -> running("agent"), List::isEmpty);
    } finally {
      cli.run("node", "update", "--label-rm", "agent", id.nodeId());
      cli.run("service", "rm", "agent");
    }
    DockerCli.Result bad = cli.run("service", "create", "--name", "bad", "--constraint", "node.role=manager", image);
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("constraint expected one operator from ==, !=");
  }

  @Test
  void aReplicatedJobRunsToCompletionAndAgainOnForce() {
    DockerCli.Result created = cli.run("service", "create", "--name", "batch", "--mode", "replicated-job",
        "--replicas", "3", "--max-concurrent", "2", image, "sh", "-c", "sleep 1");
    created.ok();
    List<String> states = DockerCli.lines(cli.run("service", "ps", "batch", "--format", "{{.DesiredState}} {{.CurrentState}}").ok().out());
    assertThat(states).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("Complete Complete"));
    assertThat(cli.run("service", "ls").ok().out()).containsPattern("batch\\s+replicated job\\s+0/2 \\(3/3 completed\\)");

    cli.run("service", "update", "--force", "batch").ok();
    Eventually.until("a second run of 3 completions", Duration.ofSeconds(60),
        () -> DockerCli.lines(cli.run("service", "ps", "batch", "--format", "{{.CurrentState}}").ok().out()),
        s -> s.size() == 6 && s.stream().allMatch(l -> l.startsWith("Complete")));
    cli.run("service", "rm", "batch").ok();
  }

  @Test
  void aTaskThatFitsNowhereWaitsWithSwarmsReason() {
    cli.run("service", "create", "--detach", "--name", "huge", "--reserve-memory", "100T", image, "sleep", "300").ok();
    try {
      String ps = Eventually.until("the task to wait", Duration.ofSeconds(30),
          () -> cli.run("service", "ps", "huge", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}").ok().out(),
          out -> out.contains("insufficient resources on 1 node"));
      assertThat(ps).startsWith("Pending").contains("no suitable node (insufficient resources on 1 node)");
      assertThat(running("huge")).isEmpty();
    } finally {
      cli.run("service", "rm", "huge");
    }
  }

  @Test
  void replicasBeyondTheMaxPerNodeWaitWithSwarmsReason() {
    cli.run("service", "create", "--detach", "--name", "capped", "--replicas", "3", "--replicas-max-per-node", "1",
        "--init", "--stop-grace-period", "1s", image, "sleep", "300").ok();
    try {
      // One node: one task runs, the other two wait with swarmkit's MaxReplicasFilter explanation (the CLI quotes errors).
      List<String> ps = Eventually.until("one task running and two waiting", Duration.ofSeconds(30),
          () -> DockerCli.lines(cli.run("service", "ps", "capped", "--no-trunc", "--format", "{{.CurrentState}} | {{.Error}}").ok().out()),
          lines -> lines.size() == 3 && lines.stream().filter(l -> l.startsWith("Running")).count() == 1
              && lines.stream().filter(l -> l.startsWith("Pending")).count() == 2);
      assertThat(ps).filteredOn(l -> l.startsWith("Pending"))
          .allSatisfy(l -> assertThat(l).endsWith("| \"no suitable node (max replicas per node limit exceed)\""));
      assertThat(running("capped")).hasSize(1);
      assertThat(cli.run("service", "ls", "--filter", "name=capped").ok().out()).containsPattern("capped\\s+replicated\\s+1/3 \\(max 1 per node\\)");
    } finally {
      cli.run("service", "rm", "capped");
    }
  }

  @Test
  void aPendingTaskIsPlacedAsSoonAsANodeFits() {
    cli.run("service", "create", "--detach", "--name", "waiter", "--init", "--stop-grace-period", "1s",
        "--constraint", "node.labels.disk==ssd", image, "sleep", "300").ok();
    try {
      String pending = Eventually.until("the task to wait for a node", Duration.ofSeconds(30),
          () -> cli.run("service", "ps", "waiter", "--no-trunc", "--format", "{{.ID}} {{.CurrentState}} | {{.Error}}").ok().out().trim(),
          out -> out.contains(" Pending ") && out.endsWith("| \"no suitable node (scheduling constraints not satisfied on 1 node)\""));
      String task = pending.split(" ")[0];
      cli.run("node", "update", "--label-add", "disk=ssd", id.nodeId()).ok();
      // The same task is placed on the node that now fits, and runs; no other task is made.
      Eventually.until("the waiting task to run", Duration.ofSeconds(30),
          () -> DockerCli.lines(cli.run("service", "ps", "waiter", "--no-trunc", "--format", "{{.ID}} {{.CurrentState}}").ok().out()),
          lines -> lines.size() == 1 && lines.get(0).startsWith(task + " Running"));
      assertThat(running("waiter")).singleElement().satisfies(name -> assertThat(name).endsWith("." + task));
    } finally {
      cli.run("service", "rm", "waiter");
      cli.run("node", "update", "--label-rm", "disk", id.nodeId());
    }
  }
}
