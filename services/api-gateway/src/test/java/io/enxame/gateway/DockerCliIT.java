package io.enxame.gateway;

import io.enxame.gateway.testing.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real docker CLI against the gateway and the fake store, when the machine has one: it decodes
 * responses into Go structs and so catches shape and type mistakes the JSON assertions miss.
 * The process waits block the JUnit thread, never an event loop.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DockerCliIT {
  private static final Path DOCKER = Path.of("/usr/local/bin/docker");

  @TempDir
  Path dockerConfig;
  private int port;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    assumeTrue(Files.isExecutable(DOCKER), "no docker CLI at " + DOCKER);
    port = GatewayFixture.start(vertx).await(10, TimeUnit.SECONDS);
  }

  @Test
  void infoAndNodeLsDecode() throws Exception {
    Result info = docker("info");
    assertThat(info.exit()).as(info.toString()).isZero();
    assertThat(info.out()).contains("Swarm: active").contains("Is Manager: true").contains("NodeID: " + GatewayFixture.SELF);

    Result nodes = docker("node", "ls");
    assertThat(nodes.exit()).as(nodes.toString()).isZero();
    assertThat(nodes.out()).contains("manager-1").contains("worker-1").contains("Leader").contains("*");

    Result self = docker("node", "inspect", "--format", "{{.Description.Hostname}}", "self");
    assertThat(self.out().trim()).as(self.toString()).isEqualTo("manager-1");
  }

  @Test
  void serviceLifecycle() throws Exception {
    Result created = docker("service", "create", "--detach", "--name", "web", "--replicas", "2", "-p", "8080:80", "busybox:latest", "sleep", "1000");
    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(created.err()).as("no digest warning").doesNotContain("could not be accessed on a registry");

    Result ls = docker("service", "ls");
    assertThat(ls.exit()).as(ls.toString()).isZero();
    assertThat(ls.out()).contains("web").contains("replicated").contains("0/2").contains("*:8080->80/tcp");

    Result duplicate = docker("service", "create", "--detach", "--name", "web", "busybox:latest");
    assertThat(duplicate.exit()).isNotZero();
    assertThat(duplicate.err()).contains("Error response from daemon: rpc error: code = AlreadyExists");

    Result scaled = docker("service", "scale", "--detach", "web=3");
    assertThat(scaled.exit()).as(scaled.toString()).isZero();
    Result inspect = docker("service", "inspect", "--format", "{{.Spec.Mode.Replicated.Replicas}} {{.Spec.UpdateConfig.Order}}", "web");
    assertThat(inspect.out().trim()).as(inspect.toString()).isEqualTo("3 stop-first");

    Result ps = docker("service", "ps", "web");
    assertThat(ps.exit()).as(ps.toString()).isZero();

    Result missing = docker("service", "inspect", "nope");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("no such service: nope");

    Result rm = docker("service", "rm", "web");
    assertThat(rm.exit()).as(rm.toString()).isZero();
    assertThat(docker("service", "ls", "-q").out()).isBlank();
  }

  private record Result(int exit, String out, String err) {}

  private Result docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(DOCKER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("DOCKER_"));
    env.put("DOCKER_HOST", "tcp://127.0.0.1:" + port);
    env.put("DOCKER_CONFIG", dockerConfig.toString());
    Path out = Files.createTempFile(dockerConfig, "out", ".txt");
    Path err = Files.createTempFile(dockerConfig, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("docker " + String.join(" ", args) + " did not finish: " + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
