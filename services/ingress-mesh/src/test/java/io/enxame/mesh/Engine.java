package io.enxame.mesh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The local Docker engine through the docker CLI, for what the tests look at or do behind Enxame's back. */
final class Engine {
  private Engine() {}

  static final String BUSYBOX = "enxame-test/busybox:latest";
  static final String UDP_ECHO = "enxame-test/udpecho:latest";

  static String run(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "docker";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return exec(cmd);
  }

  static String exec(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(Arrays.toString(cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<String> lines(String out) {
    return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  /** Short ids (= hostnames) of the running containers of a service. */
  static List<String> containers(String nodeId, String service) {
    return lines(run("ps", "--filter", "label=com.docker.swarm.node.id=" + nodeId,
        "--filter", "label=com.docker.swarm.service.name=" + service, "--format", "{{.ID}}"));
  }

  /**
   * Removes every container this test's node ran, whatever state the test left. A removal the agent started
   * as the swarm stopped may still be running: those are waited for rather than reported as failures.
   */
  static void removeContainersOf(String nodeId) {
    io.enxame.shared.testing.Eventually.until("the containers of node " + nodeId + " to be removed", java.time.Duration.ofSeconds(60), () -> {
      List<String> ids = lines(run("ps", "-aq", "--filter", "label=com.docker.swarm.node.id=" + nodeId));
      for (String id : ids) {
        try {
          run("rm", "-f", id);
        } catch (IllegalStateException inProgressOrGone) {
          // checked again on the next round
        }
      }
      return ids;
    }, List::isEmpty);
  }

  static void ensureBusybox() {
    if (!lines(run("images", "-q", BUSYBOX)).isEmpty()) return;
    exec("bash", "../../scripts/make-test-image.sh", BUSYBOX);
  }

  /** A one-binary image answering UDP datagrams (busybox has no UDP server): built static with gcc, imported. */
  static void ensureUdpEcho() throws IOException {
    if (!lines(run("images", "-q", UDP_ECHO)).isEmpty()) return;
    Path dir = Files.createTempDirectory("udpecho");
    try {
      Path src = Path.of("src/test/resources/udpecho.c").toAbsolutePath();
      exec("gcc", "-static", "-O2", "-o", dir.resolve("udpecho").toString(), src.toString());
      exec("bash", "-c", "tar -C " + dir + " -c udpecho | docker import -c 'CMD [\"/udpecho\", \"7\"]' - " + UDP_ECHO);
    } finally {
      exec("rm", "-rf", dir.toString());
    }
  }
}
