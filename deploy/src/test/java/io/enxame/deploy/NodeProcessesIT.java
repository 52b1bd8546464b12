package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes as whole processes, as a user runs them: a manager ({@code enxame up}) and two workers ({@code enxame join}
 * with the worker token) in JVMs of their own, each worker advertising its own loopback address, all on the one
 * Docker engine. A worker's process killed with SIGKILL goes Down and its task runs on the other worker, which never
 * gets a second copy of its own. (The other multi-node tests run nodes as Vert.x instances in the test's JVM.)
 */
class NodeProcessesIT {
  private static final Pattern NODE_ID = Pattern.compile("\"nodeId\"\\s*:\\s*\"([^\"]+)\"");

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> dataDirs = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (Process p : processes) p.destroyForcibly();
    for (Process p : processes) p.waitFor(30, TimeUnit.SECONDS);
    for (Path data : dataDirs) {
      String id = nodeId(data);
      if (id != null) DockerCli.removeTaskContainers(id);
    }
  }

  @Test
  void aWorkerKilledWithSigkillGoesDownAndItsTaskRunsOnTheOtherWorker() throws Exception {
    int gateway = Ports.free();
    int dispatcher = Ports.free();
    Path managerDir = dir.resolve("manager");
    Process manager = enxame("manager", managerDir, "up", "--data-dir", managerDir.toString(), "--port", String.valueOf(gateway),
        "--tls-port", String.valueOf(Ports.free()), "--dispatcher-port", String.valueOf(dispatcher),
        "--raft-port", String.valueOf(Ports.free()), "--bridge-port", "off");
    awaitOutput(manager, "manager", "Enxame is ready");
    DockerCli cli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + gateway);
    // Tasks on the workers only. The node's own first reports may change its version between the CLI's read and its
    // update ("update out of sequence", as on Swarm): the CLI is simply run again.
    String self = cli.run("info", "--format", "{{.Swarm.NodeID}}").ok().out().trim();
    until("the manager drained", 30, () -> cli.run("node", "update", "--availability", "drain", self).exit() == 0);
    String token = cli.run("swarm", "join-token", "-q", "worker").ok().out().trim();

    Worker workerA = worker("a", "127.0.0.2", token, dispatcher, cli);
    String a = workerA.nodeId();
    String b = worker("b", "127.0.0.3", token, dispatcher, cli).nodeId();

    cli.run("service", "create", "--detach", "--name", "procs", "--replicas", "2", "--init",
        DockerCli.testImage(), "sleep", "600").ok();
    until("one task on each worker", 60, () -> running(cli, a) == 1 && running(cli, b) == 1);
    // Each worker's container carries its own node's label.
    assertThat(containersOf(a)).hasSize(1);
    assertThat(containersOf(b)).hasSize(1);

    workerA.process().destroyForcibly(); // SIGKILL: no goodbye to the dispatcher
    workerA.process().waitFor(30, TimeUnit.SECONDS);
    until("worker a down", 30, () -> "down".equals(state(cli, a)));
    until("both tasks on worker b", 30, () -> running(cli, b) == 2);
    assertThat(containersOf(b)).hasSize(2);
    cli.run("service", "rm", "procs").ok();
  }

  private record Worker(String nodeId, Process process) {}

  /** Starts a worker process on its own loopback address; returns once the manager lists it ready. */
  private Worker worker(String name, String address, String token, int dispatcher, DockerCli cli) throws IOException {
    Path data = dir.resolve(name);
    Process p = enxame(name, data, "join", "--token", token, "--data-dir", data.toString(), "--advertise-addr", address,
        "--port", String.valueOf(Ports.free()), "127.0.0.1:" + dispatcher);
    awaitOutput(p, name, "joined a swarm");
    String id = nodeId(data);
    until(name + " ready", 30, () -> "ready".equals(state(cli, id)));
    return new Worker(id, p);
  }

  /** {@code enxame ARGS} in a JVM of its own, from the classes this test runs with (the launcher's main class). */
  private Process enxame(String name, Path data, String... args) throws IOException {
    dataDirs.add(data);
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), Enxame.class.getName()));
    cmd.addAll(List.of(args));
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    return p;
  }

  private void awaitOutput(Process p, String name, String line) {
    Path log = dir.resolve(name + ".log");
    until(name + " printing \"" + line + "\"", 90, () -> {
      if (!p.isAlive()) throw new AssertionError(name + " exited " + p.exitValue() + ":\n" + read(log));
      return read(log).contains(line);
    });
  }

  private static void until(String what, int seconds, BooleanSupplier condition) {
    Eventually.until(what, Duration.ofSeconds(seconds), condition::getAsBoolean, Boolean::booleanValue);
  }

  private static String state(DockerCli cli, String node) {
    return cli.run("node", "inspect", "--format", "{{.Status.State}}", node).out().trim();
  }

  private static long running(DockerCli cli, String node) {
    return DockerCli.lines(cli.run("node", "ps", node, "--filter", "desired-state=running", "--format", "{{.CurrentState}}").out())
        .stream().filter(s -> s.startsWith("Running")).count();
  }

  private static List<String> containersOf(String node) {
    return DockerCli.lines(DockerCli.engine().run("ps", "-q", "--filter", "label=com.docker.swarm.node.id=" + node).ok().out());
  }

  private static String nodeId(Path data) {
    String json = read(data.resolve("node.json"));
    Matcher m = NODE_ID.matcher(json);
    return m.find() ? m.group(1) : null;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
