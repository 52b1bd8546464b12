package io.enxame.gateway;

import io.enxame.gateway.testing.DockerCommand;
import io.enxame.gateway.testing.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    DockerCommand.Result info = docker("info");
    assertThat(info.exit()).as(info.toString()).isZero();
    assertThat(info.out()).contains("Swarm: active").contains("Is Manager: true").contains("NodeID: " + GatewayFixture.SELF);

    DockerCommand.Result nodes = docker("node", "ls");
    assertThat(nodes.exit()).as(nodes.toString()).isZero();
    assertThat(nodes.out()).contains("manager-1").contains("worker-1").contains("Leader").contains("*");

    DockerCommand.Result self = docker("node", "inspect", "--format", "{{.Description.Hostname}}", "self");
    assertThat(self.out().trim()).as(self.toString()).isEqualTo("manager-1");
  }

  /** {@code docker node update --role}: the call {@code node promote} and {@code demote} make, with swarmkit's refusal. */
  @Test
  void nodeUpdateRoleChangesTheRoleButNeverDemotesTheLastManager() throws Exception {
    DockerCommand.Result last = docker("node", "update", "--role", "worker", GatewayFixture.SELF);
    assertThat(last.exit()).as(last.toString()).isNotZero();
    assertThat(last.err()).contains("Error response from daemon: rpc error: code = FailedPrecondition desc = "
        + "attempting to demote the last manager of the swarm");

    assertThat(docker("node", "update", "--role", "manager", "worker-1").exit()).isZero();
    assertThat(docker("node", "inspect", "--format", "{{.Spec.Role}}", "worker-1").out().trim()).isEqualTo("manager");
    // Two managers now: worker-1 (no Raft member of the fixture's store) goes back to being a worker.
    DockerCommand.Result demoted = docker("node", "update", "--role", "worker", "worker-1");
    assertThat(demoted.exit()).as(demoted.toString()).isZero();
    assertThat(docker("node", "ls", "--filter", "role=manager", "--format", "{{.Hostname}}").out().trim()).isEqualTo("manager-1");
  }

  @Test
  void serviceLifecycle() throws Exception {
    DockerCommand.Result created = docker("service", "create", "--detach", "--name", "web", "--replicas", "2", "-p", "8080:80", "busybox:latest", "sleep", "1000");
    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(created.err()).as("no digest warning").doesNotContain("could not be accessed on a registry");

    DockerCommand.Result ls = docker("service", "ls");
    assertThat(ls.exit()).as(ls.toString()).isZero();
    assertThat(ls.out()).contains("web").contains("replicated").contains("0/2").contains("*:8080->80/tcp");

    DockerCommand.Result duplicate = docker("service", "create", "--detach", "--name", "web", "busybox:latest");
    assertThat(duplicate.exit()).isNotZero();
    assertThat(duplicate.err()).contains("Error response from daemon: rpc error: code = AlreadyExists");

    DockerCommand.Result scaled = docker("service", "scale", "--detach", "web=3");
    assertThat(scaled.exit()).as(scaled.toString()).isZero();
    DockerCommand.Result inspect = docker("service", "inspect", "--format", "{{.Spec.Mode.Replicated.Replicas}} {{.Spec.UpdateConfig.Order}}", "web");
    assertThat(inspect.out().trim()).as(inspect.toString()).isEqualTo("3 stop-first");

    DockerCommand.Result ps = docker("service", "ps", "web");
    assertThat(ps.exit()).as(ps.toString()).isZero();

    DockerCommand.Result missing = docker("service", "inspect", "nope");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("no such service: nope");

    DockerCommand.Result rm = docker("service", "rm", "web");
    assertThat(rm.exit()).as(rm.toString()).isZero();
    assertThat(docker("service", "ls", "-q").out()).isBlank();
  }

  private DockerCommand.Result docker(String... args) throws IOException, InterruptedException {
    return new DockerCommand(DOCKER, port, dockerConfig).run(args);
  }
}
