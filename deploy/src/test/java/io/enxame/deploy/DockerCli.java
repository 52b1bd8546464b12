package io.enxame.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real docker CLI binary, pointed at Enxame's gateway or (with no host) at the local engine. */
final class DockerCli {
  static final String CLI_28 = "/usr/local/bin/docker";
  static final String CLI_20 = "/usr/bin/docker";

  record Result(int exit, String out, String err) {
    Result ok() {
      if (exit != 0) throw new AssertionError("docker exited " + exit + "\nstdout: " + out + "\nstderr: " + err);
      return this;
    }
  }

  private final String binary;
  private final String host;

  DockerCli(String binary, String host) {
    this.binary = binary;
    this.host = host;
  }

  /** The CLI against the local Docker engine itself (to look at real containers). */
  static DockerCli engine() { return new DockerCli(Files.isExecutable(Path.of(CLI_28)) ? CLI_28 : CLI_20, null); }

  static boolean installed(String binary) { return Files.isExecutable(Path.of(binary)); }

  /** The CLI with these arguments, talking to this host only (the caller's DOCKER_HOST is not inherited). */
  private ProcessBuilder command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("DOCKER_HOST");
    pb.environment().remove("DOCKER_API_VERSION");
    if (host != null) pb.environment().put("DOCKER_HOST", host);
    return pb;
  }

  Result run(String... args) {
    ProcessBuilder pb = command(args);
    try {
      Path out = Files.createTempFile("docker-out", ".txt");
      Path err = Files.createTempFile("docker-err", ".txt");
      try {
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("docker " + String.join(" ", args) + " did not finish in 180 s; stdout so far: "
              + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts the CLI in the background (a follow), its output going to {@code out}; the caller destroys it. */
  Process start(java.io.File out, String... args) throws IOException {
    ProcessBuilder pb = command(args);
    return pb.redirectOutput(out).redirectError(ProcessBuilder.Redirect.appendTo(out)).start();
  }

  /** Lines of output, without blanks. */
  static List<String> lines(String s) { return s.lines().filter(l -> !l.isBlank()).toList(); }

  /** Removes every container Enxame made for this node, whatever state the test left. */
  static void removeTaskContainers(String nodeId) {
    DockerCli engine = engine();
    for (String id : lines(engine.run("ps", "-aq", "--filter", "label=com.docker.swarm.node.id=" + nodeId).out())) {
      engine.run("rm", "-f", id);
    }
  }

  /** Builds the test image when it is missing (CI does it before the tests; this is for a bare `mvn verify`). */
  static String testImage() {
    String image = System.getProperty("enxame.test.image", "enxame-test/busybox:latest");
    if (engine().run("image", "inspect", image).exit() != 0) {
      try {
        Process p = new ProcessBuilder("bash", repoRoot().resolve("scripts/make-test-image.sh").toString(), image).inheritIO().start();
        if (p.waitFor() != 0) throw new AssertionError("could not build the test image " + image);
      } catch (IOException e) {
        throw new AssertionError(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return image;
  }

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("scripts/make-test-image.sh"))) p = p.getParent();
    if (p == null) throw new AssertionError("repository root not found");
    return p;
  }
}
