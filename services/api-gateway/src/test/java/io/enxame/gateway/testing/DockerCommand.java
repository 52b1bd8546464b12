package io.enxame.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real docker CLI pointed at a gateway, with its own config dir; waits block the calling (JUnit) thread. */
public record DockerCommand(Path binary, int port, Path configDir) {
  public record Result(int exit, String out, String err) {}

  public Result run(String... args) throws IOException, InterruptedException { return runWithInput("", args); }

  /** Runs with {@code input} on stdin (e.g. an unlock key for {@code docker swarm unlock}). */
  public Result runWithInput(String input, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("DOCKER_"));
    env.put("DOCKER_HOST", "tcp://127.0.0.1:" + port);
    env.put("DOCKER_CONFIG", configDir.toString());
    Path out = Files.createTempFile(configDir, "out", ".txt");
    Path err = Files.createTempFile(configDir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try (var stdin = p.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("docker " + String.join(" ", args) + " did not finish: " + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
