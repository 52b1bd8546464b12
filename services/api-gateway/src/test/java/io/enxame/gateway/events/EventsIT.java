package io.enxame.gateway.events;

import io.enxame.gateway.testing.GatewayFixture;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code docker events} through the real CLI against the gateway over a real store (one for the class). */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventsIT {
  private static final Path DOCKER = Path.of("/usr/local/bin/docker");

  @TempDir
  static Path dockerConfig;
  private int port;

  @BeforeAll
  void deploy(Vertx vertx) throws Exception {
    assumeTrue(Files.isExecutable(DOCKER), "no docker CLI at " + DOCKER);
    port = GatewayFixture.start(vertx).await(10, TimeUnit.SECONDS);
  }

  @Test
  void replaysServiceCreateUpdateRemoveBetweenSinceAndUntil() throws Exception {
    String since = String.valueOf(System.currentTimeMillis() / 1000 - 1);
    ok(docker("service", "create", "--detach", "--name", "ev", "busybox:latest", "sleep", "1000"));
    ok(docker("service", "update", "--detach", "--replicas", "3", "ev"));
    ok(docker("service", "rm", "ev"));
    ok(docker("node", "update", "--availability", "drain", "worker-1"));
    String until = String.valueOf(System.currentTimeMillis() / 1000 + 1);
    Thread.sleep(1100); // until must be in the past for the stream to close after the replay

    List<JsonObject> services = events(ok(docker("events", "--since", since, "--until", until,
        "--filter", "type=service", "--filter", "service=ev", "--format", "{{json .}}")));
    assertThat(services).extracting(e -> e.getString("Action")).containsExactly("create", "update", "remove");
    assertThat(services).allSatisfy(e -> {
      assertThat(e.getString("Type")).isEqualTo("service");
      assertThat(e.getString("scope")).isEqualTo("swarm");
      assertThat(e.getJsonObject("Actor").getJsonObject("Attributes").getString("name")).isEqualTo("ev");
    });
    assertThat(services.get(1).getJsonObject("Actor").getJsonObject("Attributes").getString("replicas.new")).isEqualTo("3");

    List<JsonObject> nodes = events(ok(docker("events", "--since", since, "--until", until,
        "--filter", "node=worker-1", "--format", "{{json .}}")));
    assertThat(nodes).singleElement().satisfies(e -> {
      assertThat(e.getString("Action")).isEqualTo("update");
      assertThat(e.getJsonObject("Actor").getJsonObject("Attributes").getString("availability.new")).isEqualTo("drain");
    });
  }

  @Test
  void streamsLiveEventsMatchingTheFilter() throws Exception {
    String until = String.valueOf(System.currentTimeMillis() / 1000 + 5);
    Process follow = start("events", "--filter", "type=service", "--filter", "service=live", "--until", until, "--format", "{{json .}}");
    Thread.sleep(1500); // the stream is open before the changes are made
    ok(docker("service", "create", "--detach", "--name", "other", "busybox:latest", "sleep", "1000"));
    ok(docker("service", "create", "--detach", "--name", "live", "busybox:latest", "sleep", "1000"));
    assertThat(follow.waitFor(20, TimeUnit.SECONDS)).as("the stream closes at until").isTrue();
    List<JsonObject> seen = events(new Result(follow.exitValue(), new String(follow.getInputStream().readAllBytes(), StandardCharsets.UTF_8), ""));
    assertThat(seen).singleElement().satisfies(e -> {
      assertThat(e.getString("Action")).isEqualTo("create");
      assertThat(e.getJsonObject("Actor").getJsonObject("Attributes").getString("name")).isEqualTo("live");
    });
  }

  /** A replay bigger than the connection's write buffer arrives whole (the ring bounds it, not the client). */
  @Test
  void aLargeReplayIsNotCutOff(Vertx vertx) throws Exception {
    String since = String.valueOf(System.currentTimeMillis() / 1000 - 1);
    List<JsonObject> ops = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ops.add(StoreOp.merge(Kind.NODES, GatewayFixture.WORKER, new JsonObject().put("Spec", new JsonObject()
          .put("Labels", new JsonObject().put("round", String.valueOf(i))).put("Role", "worker").put("Availability", "active"))));
    }
    StoreClient store = new StoreClient(vertx.eventBus());
    for (int i = 0; i < ops.size(); i += 100) store.tx(ops.subList(i, i + 100)).await(10, TimeUnit.SECONDS);
    String until = String.valueOf(System.currentTimeMillis() / 1000 + 1);
    Thread.sleep(1100);
    List<JsonObject> replay = events(ok(docker("events", "--since", since, "--until", until, "--filter", "node=worker-1",
        "--format", "{{json .}}")));
    assertThat(replay).hasSize(600);
  }

  /** A burst of live events bigger than the connection's write buffer arrives whole too. */
  @Test
  void aLiveBurstIsNotCutOff(Vertx vertx) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    // with until, moby replays its history too: since (in the next second) leaves out the other tests' events
    Process follow = start("events", "--filter", "node=worker-1", "--since", String.valueOf(now + 1),
        "--until", String.valueOf(now + 7), "--format", "{{json .}}");
    Thread.sleep(2000); // the stream is open, and since has passed, before the changes are made
    List<JsonObject> ops = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ops.add(StoreOp.merge(Kind.NODES, GatewayFixture.WORKER, new JsonObject().put("Spec", new JsonObject()
          .put("Labels", new JsonObject().put("burst", String.valueOf(i))).put("Role", "worker").put("Availability", "active"))));
    }
    new StoreClient(vertx.eventBus()).tx(ops).await(10, TimeUnit.SECONDS);
    byte[] out = follow.getInputStream().readAllBytes();
    assertThat(follow.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(events(new Result(0, new String(out, StandardCharsets.UTF_8), ""))).hasSize(600);
  }

  @Test
  void badSinceIsRefused() throws Exception {
    Result r = docker("events", "--since", "not-a-time", "--until", "1");
    assertThat(r.exit()).isNotZero();
  }

  private static List<JsonObject> events(Result r) {
    return r.out().lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
  }

  private record Result(int exit, String out, String err) {}

  private static Result ok(Result r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(DOCKER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
    pb.environment().put("DOCKER_HOST", "tcp://127.0.0.1:" + port);
    pb.environment().put("DOCKER_CONFIG", dockerConfig.toString());
    return pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private Result docker(String... args) throws IOException, InterruptedException {
    Process p = start(args);
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("docker " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), "");
  }
}
