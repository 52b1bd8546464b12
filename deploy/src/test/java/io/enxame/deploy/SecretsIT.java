package io.enxame.deploy;

import io.enxame.agent.NodeAgentVerticle;
import io.enxame.shared.files.FileTrees;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.tls.NodeTls;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Secrets and configs end to end, through the real docker CLI and real containers: a unique marker is readable
 * in the task at /run/secrets and nowhere else (data dir files, this process's log, the task container's
 * inspect and its writable layer, API responses); rotation; the CLI commands and their errors. Two node-agents
 * run on the engine: every service here is constrained to node A, and node B must never receive any payload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsIT {
  @TempDir static Path dataDir;
  @TempDir static Path nodeBDir;

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final List<String> responses = new ArrayList<>();
  private PrintStream savedOut;
  private PrintStream savedErr;
  private String image;
  private NodeIdentity id;
  private final String nodeB = "secretsitnodeb" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
  private Vertx vertx;
  private DockerCli cli;
  private int gatewayPort;
  private final HttpClient http = HttpClient.newHttpClient();
  private NodeAgentVerticle agentA;
  private NodeAgentVerticle agentB;
  private final DockerCli engine = DockerCli.engine();

  @BeforeAll
  void start() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    image = DockerCli.testImage();
    // Everything this process logs from here on is also kept, to prove no secret reaches a log line.
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(new Tee(savedOut, log), true));
    System.setErr(new PrintStream(new Tee(savedErr, log), true));
    UpOptions options = new UpOptions(dataDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    id = NodeIdentity.loadOrCreate(dataDir);
    vertx = Vertx.vertx();
    Suite.Manager m = await(Suite.manager(vertx, options, id));
    String dispatcher = m.dispatcherAddress() + ":" + m.dispatcherPort();
    // Node B exists in the store (as if it had joined) so the dispatcher accepts its session.
    await(new StoreClient(vertx.eventBus()).tx(StoreOp.create(Kind.NODES, new JsonObject().put("ID", nodeB)
        .put("Spec", new JsonObject().put("Role", "worker").put("Availability", "active").put("Labels", new JsonObject()))
        .put("Status", new JsonObject().put("State", "unknown")))));
    agentA = new NodeAgentVerticle();
    agentB = new NodeAgentVerticle();
    // The dispatcher is mutual TLS: node A uses the manager's own certificate, node B gets one from the swarm's CA.
    NodeTls tlsB = await(ControlPlaneCertificates.node(vertx, nodeBDir, nodeB));
    await(vertx.deployVerticle(agentA, new DeploymentOptions().setConfig(agentConfig(id.nodeId(), dispatcher, NodeTls.inDataDir(dataDir)))));
    await(vertx.deployVerticle(agentB, new DeploymentOptions().setConfig(agentConfig(nodeB, dispatcher, tlsB))));
    gatewayPort = m.gatewayPort();
    cli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + gatewayPort);
    Eventually.until("both nodes to be ready", Duration.ofSeconds(30), () -> cli.run("node", "ls").ok().out(),
        o -> o.lines().filter(l -> l.contains("Ready")).count() == 2);
  }

  private JsonObject agentConfig(String nodeId, String dispatcher, NodeTls tls) {
    return new JsonObject().put("nodeId", nodeId).put("dispatcher", dispatcher).put("advertiseAddr", "127.0.0.1")
        .put("tls", tls.toConfig())
        .put("filesDir", Path.of("/dev/shm", "enxame-secretsit-" + nodeId).toString());
  }

  @AfterEach
  void nodeBReceivedNothing() {
    assertThat(agentB.receivedPayloads()).as("payloads delivered to node B").isEmpty();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      if (savedOut != null) System.setOut(savedOut);
      if (savedErr != null) System.setErr(savedErr);
      if (id != null) DockerCli.removeTaskContainers(id.nodeId());
      DockerCli.removeTaskContainers(nodeB);
      for (String node : List.of(id == null ? "none" : id.nodeId(), nodeB)) FileTrees.delete(Path.of("/dev/shm", "enxame-secretsit-" + node));
    }
  }

  @Test
  void theMarkerIsInTheTaskOnlyAndGoneAfterServiceRm() throws Exception {
    String marker = "enxame-marker-" + UUID.randomUUID();
    api("secret", "create", "--label", "app=db", "db_password", file(marker));
    api("service", "create", "--name", "db", "--init", "--stop-grace-period", "1s", "--constraint", "node.id==" + id.nodeId(),
        "--secret", "source=db_password,target=db_pass,uid=1000,gid=1001,mode=0400",
        "-e", "DB_PASSWORD_FILE=/run/secrets/db_pass", image,
        "sh", "-c", "if [ -s \"$DB_PASSWORD_FILE\" ]; then echo read-ok; fi; exec sleep 300");
    String container = Eventually.until("the task container", Duration.ofSeconds(30), () -> containers("db"), c -> c.size() == 1).get(0);

    // Readable in the task, through the _FILE convention, with the owner and mode asked for, on a read-only tmpfs.
    assertThat(engine.run("exec", container, "sh", "-c", "cat \"$DB_PASSWORD_FILE\"").ok().out()).isEqualTo(marker);
    assertThat(engine.run("exec", container, "stat", "-c", "%u %g %a", "/run/secrets/db_pass").ok().out().trim()).isEqualTo("1000 1001 400");
    assertThat(engine.run("exec", container, "grep", " /run/secrets/db_pass ", "/proc/mounts").ok().out()).contains(" tmpfs ro");
    Eventually.until("the entrypoint to read it", Duration.ofSeconds(10), () -> engine.run("logs", container).out(), o -> o.contains("read-ok"));

    // Nowhere else: the task container's inspect (env, mounts, labels) and writable layer, API responses, data dir files.
    String inspect = engine.run("inspect", container).ok().out();
    assertThat(inspect).doesNotContain(marker).doesNotContain(base64(marker));
    String upper = engine.run("inspect", "--format", "{{.GraphDriver.Data.UpperDir}}", container).ok().out().trim();
    if (!upper.isEmpty() && !upper.startsWith("<")) assertThat(filesContaining(Path.of(upper), marker)).isEmpty();
    api("secret", "inspect", "db_password");
    api("secret", "inspect", "--pretty", "db_password");
    api("secret", "ls");
    api("service", "inspect", "db");
    String task = api("service", "ps", "-q", "--no-trunc", "db").trim();
    api("inspect", task);
    for (String path : List.of("/secrets", "/secrets/db_password", "/configs", "/services", "/tasks", "/nodes")) {
      responses.add(http("GET", "/v1.41" + path, null).body());
    }
    assertThat(String.join("\n", responses)).contains("db_password").doesNotContain(marker).doesNotContain(base64(marker));
    assertThat(filesContaining(dataDir, marker)).isEmpty();
    assertThat(filesContaining(dataDir, base64(marker))).isEmpty();
    assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(marker).doesNotContain(base64(marker));
    String secretId = api("secret", "inspect", "--format", "{{.ID}}", "db_password").trim();
    assertThat(agentA.receivedPayloads()).contains("secrets/" + secretId);

    // Removing it while used is refused, naming the service; after service rm the file is gone with the container.
    DockerCli.Result inUse = cli.run("secret", "rm", "db_password");
    assertThat(inUse.exit()).isNotZero();
    assertThat(inUse.err()).contains("secret 'db_password' is in use by the following service: db");
    api("service", "rm", "db");
    Eventually.until("the container and its files to be gone", Duration.ofSeconds(30),
        () -> containers("db").isEmpty() && filesContaining(Path.of("/dev/shm", "enxame-secretsit-" + id.nodeId()), marker).isEmpty(),
        Boolean::booleanValue);
    api("secret", "rm", "db_password");
  }

  /**
   * A voting-app style stack: the app reaches its database by the stack's short service name over the stack's
   * overlay network and checks that the database serves the very secret the app was given ({@code _FILE}).
   * Deployed again unchanged, nothing restarts (the secret's data is sent again and compared); {@code stack rm}
   * removes everything, the engine networks with it.
   */
  @Test
  void aStackWithSecretsDeploysRedeploysUnchangedAndIsRemoved() throws Exception {
    String stack = "vote" + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
    String marker = "stack-marker-" + UUID.randomUUID();
    Path dir = Files.createTempDirectory(dataDir.getParent(), "stack");
    Files.writeString(dir.resolve("db_pass.txt"), marker);
    String placement = "      placement:\n        constraints: [\"node.id == " + id.nodeId() + "\"]\n";
    Path compose = dir.resolve("stack.yml");
    Files.writeString(compose, ("""
        version: "3.8"
        services:
          db:
            image: IMAGE
            command: ["httpd", "-f", "-p", "80", "-h", "/run/secrets"]
            secrets: [db_pass]
            networks: [back]
            deploy:
        PLACEMENT
          app:
            image: IMAGE
            command:
              - sh
              - -c
              - |
                while true; do
                  got=$$(printf 'GET /db_pass HTTP/1.0\\r\\n\\r\\n' | nc db 80 | tail -n 1)
                  [ "$$got" = "$$(cat $$DB_PASSWORD_FILE)" ] && echo same-secret-from-db; sleep 1
                done
            environment:
              DB_PASSWORD_FILE: /run/secrets/db_pass
            secrets: [db_pass]
            networks: [back, front]
            deploy:
              replicas: 2
        PLACEMENT
        networks:
          back:
          front:
        secrets:
          db_pass:
            file: ./db_pass.txt
        """).replace("IMAGE", image).replace("PLACEMENT\n", placement));
    try {
      String deployed = api("stack", "deploy", "-c", compose.toString(), stack);
      assertThat(deployed).contains("Creating network " + stack + "_back", "Creating network " + stack + "_front",
          "Creating secret " + stack + "_db_pass", "Creating service " + stack + "_db", "Creating service " + stack + "_app");
      List<String> apps = Eventually.until("both app tasks", Duration.ofSeconds(30), () -> containers(stack + "_app"), c -> c.size() == 2);
      for (String app : apps) {
        Eventually.until("the app to read the db's secret over the network", Duration.ofSeconds(30),
            () -> engine.run("logs", app).out(), o -> o.contains("same-secret-from-db"));
      }
      assertThat(DockerCli.lines(api("stack", "ls", "--format", "{{.Name}} {{.Services}}"))).contains(stack + " 2");
      assertThat(DockerCli.lines(api("network", "ls", "--filter", "label=com.docker.stack.namespace=" + stack, "--format", "{{.Name}} {{.Scope}}")))
          .containsExactlyInAnyOrder(stack + "_back swarm", stack + "_front swarm");

      String tasks = api("stack", "ps", "-q", stack);
      String redeployed = api("stack", "deploy", "-c", compose.toString(), stack);
      assertThat(redeployed).contains("Updating service " + stack + "_db", "Updating service " + stack + "_app");
      assertThat(api("stack", "ps", "-q", stack)).isEqualTo(tasks);

      api("stack", "rm", stack);
      Eventually.until("the stack's containers and engine networks to be gone", Duration.ofSeconds(60),
          () -> containers(stack + "_app").isEmpty() && containers(stack + "_db").isEmpty()
              && engine.run("network", "ls", "-q", "--filter", "name=" + stack + "_").out().isBlank(),
          Boolean::booleanValue);
      assertThat(api("network", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + stack)).isBlank();
      assertThat(api("secret", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + stack)).isBlank();
      assertThat(filesContaining(dataDir, marker)).isEmpty();
    } finally {
      cli.run("stack", "rm", stack);
    }
  }

  @Test
  void secretRmAndAddRollsTheTasksOntoTheNewSecret() throws Exception {
    String before = "rotation-old-" + UUID.randomUUID();
    String after = "rotation-new-" + UUID.randomUUID();
    api("secret", "create", "pass_v1", file(before));
    api("secret", "create", "pass_v2", file(after));
    api("service", "create", "--name", "rot", "--replicas", "2", "--init", "--stop-grace-period", "1s",
        "--constraint", "node.id==" + id.nodeId(), "--secret", "source=pass_v1,target=db_pass", image, "sleep", "300");
    assertThat(readAll("rot", "/run/secrets/db_pass")).containsOnly(before).hasSize(2);

    api("service", "update", "--secret-rm", "pass_v1", "--secret-add", "source=pass_v2,target=db_pass", "rot");
    Eventually.until("both tasks on the new secret", Duration.ofSeconds(60), () -> readAll("rot", "/run/secrets/db_pass"),
        r -> r.size() == 2 && r.stream().allMatch(after::equals));
    api("secret", "rm", "pass_v1"); // no longer used
    DockerCli.Result inUse = cli.run("secret", "rm", "pass_v2");
    assertThat(inUse.err()).contains("secret 'pass_v2' is in use by the following service: rot");
    api("service", "rm", "rot");
    api("secret", "rm", "pass_v2");
  }

  @Test
  void configsAreDeliveredAtTheirTargetAndInspectShowsTheirData() throws Exception {
    api("config", "create", "--label", "kind=web", "web_conf", file("listen 8080\n"));
    String pretty = api("config", "inspect", "--pretty", "web_conf");
    assertThat(pretty).contains("listen 8080").contains("kind=web");
    api("service", "create", "--name", "web", "--init", "--stop-grace-period", "1s", "--constraint", "node.id==" + id.nodeId(),
        "--config", "source=web_conf,target=/etc/web.conf,mode=0440", image, "sleep", "300");
    assertThat(readAll("web", "/etc/web.conf")).containsExactly("listen 8080\n");
    DockerCli.Result inUse = cli.run("config", "rm", "web_conf");
    assertThat(inUse.err()).contains("config 'web_conf' is in use by the following service: web");
    api("service", "rm", "web");
    api("config", "rm", "web_conf");
  }

  @Test
  void cliCommandsAndErrorsAsDocker() throws Exception {
    api("secret", "create", "--label", "env=prod", "--label", "team=a", "s_one", file("x"));
    api("secret", "create", "s_two", file("y"));
    assertThat(api("secret", "ls", "--format", "{{.Name}}")).contains("s_one").contains("s_two");
    assertThat(DockerCli.lines(api("secret", "ls", "--filter", "label=env=prod", "--format", "{{.Name}}"))).containsExactly("s_one");
    assertThat(DockerCli.lines(api("secret", "ls", "--filter", "name=s_t", "--format", "{{.Name}}"))).containsExactly("s_two");
    assertThat(api("secret", "inspect", "--format", "{{json .Spec}}", "s_one")).isEqualTo("{\"Name\":\"s_one\",\"Labels\":{\"env\":\"prod\",\"team\":\"a\"}}\n");
    assertThat(api("secret", "inspect", "--pretty", "s_one")).contains("Name:").contains("s_one").contains("env=prod");

    assertThat(fails("secret", "create", "s_one", file("z"))).contains("secret s_one already exists");
    assertThat(fails("secret", "create", "empty", file(""))).contains("data is empty"); // the CLI checks first; the API too:
    HttpResponse<String> empty = http("POST", "/v1.41/secrets/create", "{\"Name\":\"empty\",\"Data\":\"\"}");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("secret data must be larger than 0 and less than 512000 bytes");
    HttpResponse<String> noName = http("POST", "/v1.41/secrets/create", "{\"Data\":\"eA==\"}");
    assertThat(noName.statusCode()).isEqualTo(400);
    assertThat(noName.body()).contains("name must be provided");
    HttpResponse<String> numberName = http("POST", "/v1.41/secrets/create", "{\"Name\":12,\"Data\":\"eA==\"}");
    assertThat(numberName.statusCode()).isEqualTo(400);
    assertThat(fails("secret", "create", "big", file("a".repeat(500 * 1024)))).contains("secret data must be larger than 0 and less than 512000 bytes");
    assertThat(fails("config", "create", "big", file("a".repeat(1000 * 1024)))).contains("config data must be larger than 0 and less than 1024000 bytes");
    api("config", "create", "almost_big", file("a".repeat(1000 * 1024 - 1)));
    assertThat(fails("secret", "create", "bad_", file("z"))).contains("invalid name, only 64 [a-zA-Z0-9-_.] characters allowed");
    assertThat(fails("secret", "create", "--driver", "vault", "drv")).contains("secret driver \"vault\" is not supported");
    assertThat(fails("config", "create", "--template-driver", "golang", "tpl", file("z"))).contains("template driver \"golang\" is not supported");
    assertThat(fails("secret", "inspect", "nope")).contains("secret nope not found");
    assertThat(fails("service", "create", "--name", "ghost", "--secret", "nope", image)).contains("secret not found: nope");
    String sOne = api("secret", "inspect", "--format", "{{.ID}} {{.Version.Index}}", "s_one").trim();
    String[] idVersion = sOne.split(" ");
    HttpResponse<String> dataChange = http("POST", "/v1.41/secrets/" + idVersion[0] + "/update?version=" + idVersion[1],
        "{\"Name\":\"s_one\",\"Data\":\"eQ==\"}");
    assertThat(dataChange.statusCode()).isEqualTo(400);
    assertThat(dataChange.body()).contains("only updates to Labels are allowed");
    HttpResponse<String> labels = http("POST", "/v1.41/secrets/" + idVersion[0] + "/update?version=" + idVersion[1],
        "{\"Name\":\"s_one\",\"Labels\":{\"env\":\"dev\"}}");
    assertThat(labels.statusCode()).isEqualTo(200);
    assertThat(api("secret", "inspect", "--format", "{{json .Spec.Labels}}", "s_one").trim()).isEqualTo("{\"env\":\"dev\"}");
    assertThat(http("POST", "/v1.41/secrets/" + idVersion[0] + "/update?version=" + idVersion[1], "{\"Name\":\"s_one\"}").statusCode())
        .isEqualTo(409); // the version read is stale now
    assertThat(api("secret", "ls", "--format", "{{.Name}}")).doesNotContain("drv").doesNotContain("empty").doesNotContain("big\n");

    if (DockerCli.installed(DockerCli.CLI_20)) { // Debian's 20.10 CLI reads the same API
      DockerCli old = new DockerCli(DockerCli.CLI_20, "tcp://127.0.0.1:" + gatewayPort);
      assertThat(old.run("secret", "ls", "--format", "{{.Name}}").ok().out()).contains("s_one").contains("s_two");
      assertThat(old.run("secret", "inspect", "--format", "{{.Spec.Name}}", "s_two").ok().out().trim()).isEqualTo("s_two");
    }
    api("secret", "rm", "s_one", "s_two");
    api("config", "rm", "almost_big");
    assertThat(api("secret", "ls", "-q")).isBlank();
  }

  @Test
  void aNodeThatRunsNoTaskUsingTheSecretNeverReceivesIt() throws Exception {
    api("secret", "create", "only_a", file("for node A " + UUID.randomUUID()));
    api("service", "create", "--name", "on_a", "--replicas", "2", "--init", "--stop-grace-period", "1s",
        "--constraint", "node.id==" + id.nodeId(), "--secret", "only_a", image, "sleep", "300");
    String secretId = api("secret", "inspect", "--format", "{{.ID}}", "only_a").trim();
    assertThat(agentA.receivedPayloads()).contains("secrets/" + secretId);
    assertThat(agentB.receivedPayloads()).isEmpty();
    // Node B does run tasks meanwhile (a service without secrets), so its session is live and assigned work.
    api("service", "create", "--name", "on_b", "--init", "--stop-grace-period", "1s", "--constraint", "node.id==" + nodeB,
        image, "sleep", "300");
    assertThat(agentB.receivedPayloads()).isEmpty();
    api("service", "rm", "on_a", "on_b");
    api("secret", "rm", "only_a");
  }

  // --- helpers ---

  private HttpResponse<String> http(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String api(String... args) {
    String out = cli.run(args).ok().out();
    responses.add(out);
    return out;
  }

  private String fails(String... args) {
    DockerCli.Result r = cli.run(args);
    assertThat(r.exit()).as("docker " + String.join(" ", args)).isNotZero();
    responses.add(r.err());
    return r.err();
  }

  private List<String> containers(String service) {
    return DockerCli.lines(engine.run("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service,
        "--filter", "label=com.docker.swarm.node.id=" + id.nodeId()).ok().out());
  }

  private List<String> readAll(String service, String path) {
    return containers(service).stream().map(c -> engine.run("exec", c, "cat", path).out()).toList();
  }

  private static String file(String content) throws IOException {
    Path f = Files.createTempFile(dataDir.getParent(), "secret", ".txt");
    Files.writeString(f, content);
    f.toFile().deleteOnExit();
    return f.toString();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Every regular file under root whose bytes contain the text. */
  private static List<Path> filesContaining(Path root, String text) {
    if (!Files.exists(root)) return List.of();
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile).filter(p -> {
        try {
          return indexOf(Files.readAllBytes(p), needle) >= 0;
        } catch (IOException e) {
          return false; // vanished while walking
        }
      }).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return filesContaining(root, text); // a file went away during the walk: look again
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Writes to the original stream and keeps a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
