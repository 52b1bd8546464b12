package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real docker CLI against a running Enxame (all-in-one, as `enxame up` runs it) on the real
 * Docker engine: one scenario, in order, sharing one Enxame to keep CI lean.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerCliAcceptanceIT {
  private static final String IMAGE_2 = "enxame-test/busybox:v2";
  @TempDir static Path dataDir;

  private LocalEnxame enxame;
  private String image;
  private UpOptions options;
  private NodeIdentity id;
  private DockerCli cli;
  private final DockerCli engine = DockerCli.engine();

  @BeforeAll
  void start() throws Exception {
    enxame = LocalEnxame.start(dataDir);
    image = enxame.image;
    options = enxame.options;
    id = enxame.id;
    cli = enxame.cli;
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (enxame != null) enxame.close();
    } finally {
      engine.run("rmi", IMAGE_2);
    }
  }

  /** Containers of a service on the engine, by name. */
  private List<String> containers(String service, boolean all) {
    var args = new java.util.ArrayList<>(List.of("ps", "--filter", "label=com.docker.swarm.service.name=" + service,
        "--filter", "label=com.docker.swarm.node.id=" + id.nodeId(), "--format", "{{.Names}}"));
    if (all) args.add(1, "-a");
    return DockerCli.lines(engine.run(args.toArray(String[]::new)).ok().out());
  }

  private List<String> runningTasks(String service) {
    return DockerCli.lines(cli.run("service", "ps", service, "--filter", "desired-state=running",
        "--format", "{{.Name}} {{.CurrentState}}").ok().out()).stream().filter(l -> l.contains("Running")).toList();
  }

  @Test
  @Order(1)
  void versionInfoAndNodes() {
    assertThat(cli.run("version").ok().out()).containsPattern("API version:\\s+1\\.51 \\(minimum version 1\\.24\\)");
    String info = cli.run("info").ok().out();
    assertThat(info).contains("Swarm: active").contains("Is Manager: true").contains("Managers: 1").contains("Nodes: 1");
    String nodes = Eventually.until("the node to be ready", Duration.ofSeconds(30),
        () -> cli.run("node", "ls").ok().out(), out -> out.contains("Ready"));
    assertThat(nodes).contains(id.nodeId() + " *").contains("Active").contains("Leader");
    assertThat(cli.run("node", "inspect", "self", "--format", "{{.ID}} {{.Spec.Role}}").ok().out().trim())
        .isEqualTo(id.nodeId() + " manager");
  }

  @Test
  @Order(2)
  void createConvergesWithRealContainers() {
    DockerCli.Result created = cli.run("service", "create", "--name", "web", "--replicas", "3", "--init",
        "--restart-delay", "1s", "--update-monitor", "1s", image, "sleep", "300").ok();
    assertThat(created.out()).contains("verify: Service").contains("converged");
    assertThat(created.err()).doesNotContain("could not be accessed on a registry");
    assertThat(cli.run("service", "ls").ok().out()).containsPattern("web\\s+replicated\\s+3/3");
    List<String> tasks = runningTasks("web");
    assertThat(tasks).hasSize(3).allSatisfy(l -> assertThat(l).matches("web\\.[123] Running.*"));
    List<String> names = containers("web", false);
    assertThat(names).hasSize(3).allSatisfy(n -> assertThat(n).matches("web\\.[123]\\.[0-9a-z]{25}"));
    String labels = engine.run("inspect", "--format", "{{json .Config.Labels}}", names.get(0)).ok().out();
    assertThat(labels).contains("com.docker.swarm.service.id", "com.docker.swarm.service.name", "com.docker.swarm.task.id",
        "com.docker.swarm.task.name", "\"com.docker.swarm.node.id\":\"" + id.nodeId() + "\"");
    assertThat(cli.run("service", "inspect", "--pretty", "web").ok().out()).contains("Name:\t\tweb").contains("Replicas:\t3");
  }

  @Test
  @Order(3)
  void scaleAndUpdateReplicas() {
    assertThat(cli.run("service", "scale", "web=5").ok().out()).contains("web scaled to 5");
    assertThat(containers("web", false)).hasSize(5);
    cli.run("service", "update", "--replicas", "2", "web").ok();
    Eventually.until("scale-down to 2 containers", Duration.ofSeconds(30), () -> containers("web", false), c -> c.size() == 2);
    assertThat(runningTasks("web")).hasSize(2);
  }

  @Test
  @Order(4)
  void updateEnvReplacesTasks() {
    Set<String> before = Set.copyOf(containers("web", false));
    cli.run("service", "update", "--env-add", "COLOR=blue", "web").ok();
    List<String> after = containers("web", false);
    assertThat(after).hasSize(2).doesNotContainAnyElementsOf(before);
    assertThat(engine.run("inspect", "--format", "{{json .Config.Env}}", after.get(0)).ok().out()).contains("COLOR=blue");

    engine.run("tag", image, IMAGE_2).ok(); // removed in stop(): the service runs it from here on
    cli.run("service", "update", "--image", IMAGE_2, "web").ok();
    List<String> replaced = containers("web", false);
    assertThat(replaced).hasSize(2).doesNotContainAnyElementsOf(after);
    assertThat(engine.run("inspect", "--format", "{{.Config.Image}}", replaced.get(0)).ok().out().trim()).isEqualTo(IMAGE_2);
  }

  @Test
  @Order(5)
  void aKilledOrRemovedTaskIsReplaced() {
    String victim = containers("web", false).get(0);
    String slot = victim.substring(0, victim.lastIndexOf('.'));
    engine.run("kill", victim).ok();
    Eventually.until("a replacement in " + slot, Duration.ofSeconds(60), () -> containers("web", false),
        c -> c.size() == 2 && c.stream().anyMatch(n -> n.startsWith(slot + ".") && !n.equals(victim)));
    String ps = cli.run("service", "ps", "web", "--no-trunc").ok().out();
    assertThat(ps).contains("task: non-zero exit (137)");

    String removed = containers("web", false).get(0);
    String removedSlot = removed.substring(0, removed.lastIndexOf('.'));
    engine.run("rm", "-f", removed).ok();
    Eventually.until("a replacement in " + removedSlot, Duration.ofSeconds(60), () -> containers("web", false),
        c -> c.size() == 2 && c.stream().anyMatch(n -> n.startsWith(removedSlot + ".") && !n.equals(removed)));
    assertThat(cli.run("service", "ps", "web", "--no-trunc").ok().out()).contains("task: container removed");
  }

  @Test
  @Order(6)
  void errorsReadAsDockers() {
    DockerCli.Result missing = cli.run("service", "inspect", "nope");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no such service: nope");
    DockerCli.Result rm = cli.run("service", "rm", "nope");
    assertThat(rm.exit()).isEqualTo(1);
    assertThat(rm.err()).contains("service nope not found");
    DockerCli.Result duplicate = cli.run("service", "create", "--detach", "--name", "web", image, "sleep", "1");
    assertThat(duplicate.exit()).isNotZero();
    assertThat(duplicate.err()).contains("name conflicts with an existing object");
    assertThat(cli.run("node", "inspect", "nonode").err()).contains("node nonode not found");
  }

  @Test
  @Order(7)
  void aRestartReadoptsRunningContainers() throws Exception {
    Set<String> before = Set.copyOf(containers("web", false));
    enxame.down();
    assertThat(containers("web", false)).containsExactlyInAnyOrderElementsOf(before); // left running
    enxame.up();
    Eventually.until("the node to be ready again", Duration.ofSeconds(30),
        () -> cli.run("node", "ls").ok().out(), out -> out.contains("Ready"));
    Eventually.until("both tasks running again", Duration.ofSeconds(30), () -> runningTasks("web"), t -> t.size() == 2);
    assertThat(containers("web", true)).containsAll(before);
    assertThat(containers("web", false)).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  @Order(8)
  void debianCliWorksToo() {
    assumeTrue(DockerCli.installed(DockerCli.CLI_20), "Debian's docker CLI is not installed");
    DockerCli old = new DockerCli(DockerCli.CLI_20, "tcp://127.0.0.1:" + options.gatewayPort());
    DockerCli.Result created = old.run("service", "create", "--name", "old", "--replicas", "2", "--init",
        "--update-monitor", "1s", image, "sleep", "300").ok();
    assertThat(created.out()).contains("verify: Service converged");
    assertThat(old.run("service", "ls").ok().out()).containsPattern("old\\s+replicated\\s+2/2");
    assertThat(cli.run("service", "scale", "web=3", "old=1").ok().out()).contains("web scaled to 3").contains("old scaled to 1");
    assertThat(cli.run("service", "ls").ok().out()).containsPattern("web\\s+replicated\\s+3/3").containsPattern("old\\s+replicated\\s+1/1");
    old.run("service", "rm", "old").ok();
    Eventually.until("old's containers removed", Duration.ofSeconds(30), () -> containers("old", true), List::isEmpty);
  }

  @Test
  @Order(9)
  void removeDeletesEveryContainer() {
    assertThat(cli.run("service", "rm", "web").ok().out().trim()).isEqualTo("web");
    Eventually.until("web's containers removed", Duration.ofSeconds(30), () -> containers("web", true), List::isEmpty);
    assertThat(cli.run("service", "ls", "-q").ok().out()).isBlank();
    assertThat(cli.run("service", "ps", "web").err()).contains("no such service: web");
    assertThat(Set.copyOf(DockerCli.lines(engine.run("ps", "-aq", "--filter", "label=com.docker.swarm.node.id=" + id.nodeId()).out()))
        .stream().collect(Collectors.toList())).isEmpty();
  }
}
