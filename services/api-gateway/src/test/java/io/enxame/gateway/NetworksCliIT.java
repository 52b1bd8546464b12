package io.enxame.gateway;

import io.enxame.gateway.testing.DockerCommand;
import io.enxame.gateway.testing.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docker network ...} and {@code service create --network} through the real CLI against the gateway and a
 * real store, plus the calls {@code stack deploy} makes with network names. No engine is involved: what a node
 * makes of a network is the agent's (NodeAgentIT), the whole path is SecretsIT's stack test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetworksCliIT {
  private static final Path DOCKER = Path.of("/usr/local/bin/docker");

  @TempDir
  Path dockerConfig;
  private int port;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    assumeTrue(Files.isExecutable(DOCKER), "no docker CLI at " + DOCKER);
    port = GatewayFixture.start(vertx).await(10, TimeUnit.SECONDS);
  }

  @Test
  void createListInspectAndRemoveOverlayNetworks() throws Exception {
    String id = ok("network", "create", "-d", "overlay", "--attachable", "--label", "env=test", "--subnet", "10.91.0.0/24",
        "--gateway", "10.91.0.1", "front").trim();
    assertThat(id).hasSize(25);
    ok("network", "create", "--driver", "overlay", "--internal", "back");

    assertThat(ok("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}")).contains("front overlay swarm", "back overlay swarm");
    assertThat(ok("network", "ls", "-q", "--no-trunc", "--filter", "label=env=test").trim()).isEqualTo(id);
    assertThat(ok("network", "ls", "--format", "{{.Name}}", "--filter", "name=ron").trim()).isEqualTo("front");
    assertThat(ok("network", "inspect", "--format",
        "{{.Id}} {{.Scope}} {{.Driver}} {{.Attachable}} {{.Internal}} {{(index .IPAM.Config 0).Subnet}} {{(index .IPAM.Config 0).Gateway}} {{.Labels.env}}",
        "front").trim()).isEqualTo(id + " swarm overlay true false 10.91.0.0/24 10.91.0.1 test");
    assertThat(ok("network", "inspect", "--format", "{{.Internal}}", "back").trim()).isEqualTo("true");
    assertThat(ok("network", "inspect", "--format", "{{.Name}}", id.substring(0, 6)).trim()).isEqualTo("front");

    assertThat(ok("network", "rm", "front", "back").lines()).containsExactly("front", "back");
    assertThat(ok("network", "ls", "-q")).isBlank();

    // docker events has them, with Swarm's type and actions.
    long now = System.currentTimeMillis() / 1000;
    assertThat(ok("events", "--since", String.valueOf(now - 60), "--until", String.valueOf(now + 1), "--filter", "type=network",
        "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Scope}}").lines())
        .containsSubsequence("network create front swarm", "network create back swarm", "network remove front swarm",
            "network remove back swarm");
  }

  @Test
  void badRequestsAreRefusedWithDockersWordsAndChangeNothing() throws Exception {
    ok("network", "create", "-d", "overlay", "net1");
    assertThat(fails("network", "create", "-d", "overlay", "net1")).contains("network with name net1 already exists");
    assertThat(fails("network", "create", "net2")).contains("driver \"bridge\" makes a network local to one engine")
        .contains("use --driver overlay");
    assertThat(fails("network", "create", "-d", "overlay", "host")).contains("host is a pre-defined network and cannot be created");
    assertThat(fails("network", "create", "-d", "overlay", "bad.name")).contains("name must be valid as a DNS name component");
    assertThat(fails("network", "create", "-d", "overlay", "--ingress", "ingress2")).contains("custom ingress network is not supported");
    assertThat(fails("network", "create", "-d", "overlay", "--subnet", "10.0.0.0/40", "net3")).contains("invalid subnet");
    assertThat(fails("network", "inspect", "nope")).contains("network nope not found");
    assertThat(fails("network", "rm", "nope")).contains("network nope not found");

    // What the CLI checks on its own side, the API checks too.
    JsonObject outside = new JsonObject().put("Name", "net4").put("Driver", "overlay").put("IPAM", new JsonObject()
        .put("Config", new JsonArray().add(new JsonObject().put("Subnet", "10.93.0.0/24").put("Gateway", "10.94.0.1"))));
    HttpResponse<String> refused = post("/v1.51/networks/create", outside);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("subnet 10.93.0.0/24 does not contain gateway 10.94.0.1");
    assertThat(ok("network", "ls", "--format", "{{.Name}}").trim()).isEqualTo("net1");
  }

  @Test
  void servicesAttachByIdAndANetworkInUseIsNotRemoved() throws Exception {
    String net = ok("network", "create", "-d", "overlay", "appnet").trim();
    ok("service", "create", "--detach", "--name", "web", "--network", "appnet", "busybox:latest", "sleep", "1000");
    String service = ok("service", "inspect", "--format", "{{.ID}}", "web").trim();
    assertThat(ok("service", "inspect", "--format", "{{(index .Spec.TaskTemplate.Networks 0).Target}}", "web").trim()).isEqualTo(net);
    assertThat(fails("service", "create", "--detach", "--name", "lost", "--network", "nope", "busybox:latest"))
        .contains("network nope not found");

    assertThat(fails("network", "rm", "appnet")).contains("rpc error: code = FailedPrecondition desc = network " + net
        + " is in use by service " + service);
    ok("service", "rm", "web");
    ok("network", "rm", "appnet");
  }

  /** {@code stack deploy} names networks (and some clients use the deprecated top-level Networks): stored by ID. */
  @Test
  void networkNamesInAServiceSpecAreResolvedToIds() throws Exception {
    String net = ok("network", "create", "-d", "overlay", "--label", "com.docker.stack.namespace=st", "st_default").trim();
    JsonObject spec = new JsonObject().put("Name", "st_web").put("TaskTemplate", new JsonObject()
        .put("ContainerSpec", new JsonObject().put("Image", "busybox:latest"))
        .put("Networks", new JsonArray().add(new JsonObject().put("Target", "st_default").put("Aliases", new JsonArray().add("web")))));
    assertThat(post("/v1.51/services/create", spec).statusCode()).isEqualTo(201);
    assertThat(ok("service", "inspect", "--format", "{{json .Spec.TaskTemplate.Networks}}", "st_web").trim())
        .isEqualTo("[{\"Target\":\"" + net + "\",\"Aliases\":[\"web\"]}]");

    JsonObject legacy = new JsonObject().put("Name", "st_old").put("TaskTemplate", new JsonObject()
        .put("ContainerSpec", new JsonObject().put("Image", "busybox:latest")))
        .put("Networks", new JsonArray().add(new JsonObject().put("Target", net.substring(0, 8))));
    assertThat(post("/v1.51/services/create", legacy).statusCode()).isEqualTo(201);
    assertThat(ok("service", "inspect", "--format", "{{(index .Spec.TaskTemplate.Networks 0).Target}}", "st_old").trim()).isEqualTo(net);

    JsonObject onBridge = new JsonObject().put("Name", "st_bridge").put("TaskTemplate", new JsonObject()
        .put("ContainerSpec", new JsonObject().put("Image", "busybox:latest"))
        .put("Networks", new JsonArray().add(new JsonObject().put("Target", "bridge"))));
    HttpResponse<String> refused = post("/v1.51/services/create", onBridge);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("The network bridge cannot be used with services");

    assertThat(ok("network", "ls", "--format", "{{.Name}}", "--filter", "label=com.docker.stack.namespace=st").trim()).isEqualTo("st_default");
  }

  @Test
  void pruneRemovesOnlyUnusedNetworks() throws Exception {
    ok("network", "create", "-d", "overlay", "used");
    ok("network", "create", "-d", "overlay", "unused");
    ok("service", "create", "--detach", "--name", "web", "--network", "used", "busybox:latest");
    String pruned = ok("network", "prune", "-f");
    assertThat(pruned.lines()).contains("unused").doesNotContain("used");
    assertThat(ok("network", "ls", "--format", "{{.Name}}").trim()).isEqualTo("used");
  }

  private String ok(String... args) throws IOException, InterruptedException {
    DockerCommand.Result r = docker(args);
    assertThat(r.exit()).as(r.toString()).isZero();
    return r.out();
  }

  private String fails(String... args) throws IOException, InterruptedException {
    DockerCommand.Result r = docker(args);
    assertThat(r.exit()).as(r.toString()).isNotZero();
    return r.err();
  }

  private DockerCommand.Result docker(String... args) throws IOException, InterruptedException {
    return new DockerCommand(DOCKER, port, dockerConfig).run(args);
  }

  private HttpResponse<String> post(String path, JsonObject body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
