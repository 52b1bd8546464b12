package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.tls.JoinToken;
import io.enxame.shared.tls.NodeTls;
import io.enxame.secrets.pki.NodeKeys;
import io.enxame.secrets.pki.Pem;
import io.enxame.secrets.pki.RootCa;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.Hello;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code enxame join} against a running all-in-one manager: a second node (its own Vert.x, advertising 127.0.0.2)
 * pins the CA by the token, gets a worker certificate and runs an agent that takes tasks on the shared engine.
 * Tokens come from the real docker CLI; refused joins leave nothing behind. With a second worker (127.0.0.3), the
 * nodes' placement through the CLI: a spread preference over zone labels, pause, drain, and {@code node rm --force}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JoinIT {
  private static final String SERVICE = "pki-join-it";
  private static final String SPREAD = "pki-join-it-spread";
  private static final String GLOBAL = "pki-join-it-global";
  private static final String GLOBAL_JOB = "pki-join-it-once-per-node";
  @TempDir static Path managerDir;
  @TempDir static Path workerDir;
  @TempDir static Path secondDir;

  private UpOptions options;
  private NodeIdentity manager;
  private NodeIdentity worker;
  private Vertx managerVertx;
  private Vertx workerVertx;
  private NodeIdentity second;
  private Vertx secondVertx;
  private DockerCli cli;
  private String dispatcher;
  private int tlsPort;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    DockerCli.testImage();
    options = new UpOptions(managerDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    manager = NodeIdentity.loadOrCreate(managerDir);
    managerVertx = Vertx.vertx();
    tlsPort = Suite.up(managerVertx, options, manager).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).gatewayTlsPort();
    cli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + options.gatewayPort());
    dispatcher = "127.0.0.1:" + options.dispatcherPort();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (cli != null) cli.run("service", "rm", SERVICE, SPREAD, GLOBAL, GLOBAL_JOB);
      if (secondVertx != null) secondVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (workerVertx != null) workerVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (managerVertx != null) managerVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      if (manager != null) DockerCli.removeTaskContainers(manager.nodeId());
      if (worker != null) DockerCli.removeTaskContainers(worker.nodeId());
      if (second != null) DockerCli.removeTaskContainers(second.nodeId());
    }
  }

  private String token(String role) {
    return cli.run("swarm", "join-token", "-q", role).ok().out().trim();
  }

  private NodeIdentity join(Vertx vertx, String token) throws Exception {
    try {
      return Suite.join(vertx, new JoinOptions(token, dispatcher, workerDir, "127.0.0.2", null))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  @Order(1)
  void joinTokenShowsSwarmsFormAndInspectTheCaConfig() {
    String worker = token("worker");
    assertThat(worker).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}");
    assertThat(token("manager")).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}").isNotEqualTo(worker)
        .startsWith(worker.substring(0, 60));
    assertThat(cli.run("swarm", "join-token", "worker").ok().out()).contains("docker swarm join --token " + worker);
    assertThat(cli.run("info", "--format", "{{.Swarm.Cluster.Spec.CAConfig.NodeCertExpiry}}").ok().out().trim()).isEqualTo("2160h0m0s");
    assertThat(cli.run("info").ok().out()).contains("CA Configuration:").contains("Expiry Duration: 3 months");
    String root = cli.run("info", "--format", "{{.Swarm.Cluster.TLSInfo.TrustRoot}}").ok().out();
    assertThat(root).contains("BEGIN CERTIFICATE");
    assertThat(JoinToken.pins(worker, root.strip() + "\n")).isTrue();
    cli.run("swarm", "update", "--cert-expiry", "48h").ok();
    assertThat(cli.run("info", "--format", "{{.Swarm.Cluster.Spec.CAConfig.NodeCertExpiry}}").ok().out().trim()).isEqualTo("48h0m0s");
    cli.run("swarm", "update", "--cert-expiry", "2160h").ok();

    // The dispatcher's heartbeat period (Enxame's default 1 s): in the spec and in docker info's words.
    assertThat(cli.run("info").ok().out()).contains("Heartbeat Period: 1 second");
    cli.run("swarm", "update", "--dispatcher-heartbeat", "2s").ok();
    assertThat(cli.run("info", "--format", "{{.Swarm.Cluster.Spec.Dispatcher.HeartbeatPeriod}}").ok().out().trim()).isEqualTo("2s");
    assertThat(cli.run("info").ok().out()).contains("Heartbeat Period: 2 seconds");
    cli.run("swarm", "update", "--dispatcher-heartbeat", "1s").ok();
  }

  @Test
  @Order(2)
  void wrongOrRotatedAwayTokensAreRefusedAndLeaveNothing() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      String worker = token("worker");
      String otherCa = JoinToken.generate("-----BEGIN CERTIFICATE-----\nanother swarm\n-----END CERTIFICATE-----\n");
      assertThatThrownBy(() -> join(vertx, otherCa)).hasMessageStartingWith("remote CA does not match fingerprint. Expected: ");
      assertThatThrownBy(() -> join(vertx, JoinToken.rotate(worker).orElseThrow())).hasMessage(JoinToken.INVALID_FOR_CLUSTER);
      assertThatThrownBy(() -> join(vertx, "SWMTKN-1-nonsense")).hasMessage(JoinToken.INVALID);
      // Rotation through the CLI retires the old token.
      assertThat(cli.run("swarm", "join-token", "--rotate", "worker").ok().out()).contains("Successfully rotated worker join token.");
      assertThatThrownBy(() -> join(vertx, worker)).hasMessage(JoinToken.INVALID_FOR_CLUSTER);
      assertThat(Files.exists(Path.of(NodeTls.inDataDir(workerDir).certPath()))).isFalse();
      assertThat(DockerCli.lines(cli.run("node", "ls", "-q").ok().out())).hasSize(1);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(3)
  void aWorkerJoinsWithItsCertificateAndRunsTasks() throws Exception {
    workerVertx = Vertx.vertx();
    worker = join(workerVertx, token("worker"));
    NodeTls tls = NodeTls.inDataDir(workerDir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(tls.keyPath())))).isEqualTo("rw-------");
    X509Certificate root = pem(Path.of(tls.caPath()));
    X509Certificate cert = pem(Path.of(tls.certPath()));
    cert.verify(root.getPublicKey());
    assertThat(cert.getSubjectX500Principal().getName()).startsWith("CN=" + worker.nodeId() + ",OU=swarm-worker,O=");

    Eventually.until("the worker is ready", Duration.ofSeconds(20),
        () -> cli.run("node", "inspect", "--format", "{{.Spec.Role}} {{.Status.State}} {{.Status.Addr}}", worker.nodeId()).out().trim(),
        s -> s.equals("worker ready 127.0.0.2"));
    cli.run("service", "create", "--detach", "--name", SERVICE, "--constraint", "node.role==worker",
        DockerCli.testImage(), "sleep", "600").ok();
    Eventually.until("the task runs on the worker", Duration.ofSeconds(30),
        () -> DockerCli.lines(DockerCli.engine().run("ps", "--filter", "label=com.docker.swarm.node.id=" + worker.nodeId(),
            "--filter", "label=com.docker.swarm.service.name=" + SERVICE, "-q").out()),
        ids -> ids.size() == 1);
  }

  @Test
  @Order(4)
  void nodeInspectPrettyPrintsTheNodesAsSwarmDoes() throws Exception {
    String root = cli.run("swarm", "ca").ok().out().trim();
    X509Certificate rootCert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(root.getBytes(StandardCharsets.US_ASCII)));
    String engineVersion = DockerCli.engine().run("version", "--format", "{{.Server.Version}}").ok().out().trim();
    String managerPretty = cli.run("node", "inspect", "--pretty", "self").ok().out();
    assertThat(managerPretty)
        .containsPattern("(?m)^ID:\\s+" + manager.nodeId() + "$")
        .containsPattern("(?m)^Hostname:\\s+\\S+$")
        .containsPattern("(?m)^Joined at:\\s+20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d")
        .containsPattern("(?m)^Status:\\n State:\\s+Ready\\n Availability:\\s+Active\\n Address:\\s+127\\.0\\.0\\.1$")
        .containsPattern("(?m)^Manager Status:\\n Address:\\s+127\\.0\\.0\\.1:" + options.dispatcherPort()
            + "\\n Raft Status:\\s+Reachable\\n Leader:\\s+Yes$")
        .containsPattern("(?m)^Platform:\\n Operating System:\\s+linux\\n Architecture:\\s+\\S+$")
        .containsPattern("(?m)^Resources:\\n CPUs:\\s+[1-9]\\d*\\n Memory:\\s+\\d+(\\.\\d+)?\\s?[KMGT]iB$")
        .containsPattern("(?m)^Engine Version:\\s+" + java.util.regex.Pattern.quote(engineVersion) + "$")
        .containsPattern("(?m)^TLS Info:\\n TrustRoot:\\n" + java.util.regex.Pattern.quote(root) + "$")
        // The issuer of its certificate: the swarm's root (base64 DER, as swarmkit reports it).
        .containsPattern("(?m)^ Issuer Subject:\\s+" + java.util.regex.Pattern.quote(
            java.util.Base64.getEncoder().encodeToString(rootCert.getSubjectX500Principal().getEncoded())) + "$")
        .containsPattern("(?m)^ Issuer Public Key:\\s+" + java.util.regex.Pattern.quote(
            java.util.Base64.getEncoder().encodeToString(rootCert.getPublicKey().getEncoded())) + "$")
        .doesNotContain("0001-01-01");
    String workerPretty = cli.run("node", "inspect", "--pretty", worker.nodeId()).ok().out();
    assertThat(workerPretty)
        .containsPattern("(?m)^ID:\\s+" + worker.nodeId() + "$")
        .containsPattern("(?m)^Status:\\n State:\\s+Ready\\n Availability:\\s+Active\\n Address:\\s+127\\.0\\.0\\.2$")
        .containsPattern("(?m)^TLS Info:\\n TrustRoot:\\n" + java.util.regex.Pattern.quote(root))
        .doesNotContain("Manager Status:");
    // Both certificates come from the same issuer.
    assertThat(issuerLines(workerPretty)).isEqualTo(issuerLines(managerPretty));
  }

  private static List<String> issuerLines(String pretty) {
    return pretty.lines().filter(l -> l.startsWith(" Issuer ")).toList();
  }

  @Test
  @Order(4)
  void aWorkersCertificateCannotAskForTheManagersKeys() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> await(NodeJoin.managerKeys(vertx, new JoinOptions(null, dispatcher, workerDir, "127.0.0.2", null))))
          .hasMessageContaining("a manager certificate from this swarm's CA is required to join as a manager");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(4)
  void theDispatcherRefusesSessionsWithoutAValidNodeCertificate() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      NodeTls joined = NodeTls.inDataDir(workerDir);
      // Trusting the swarm's root but presenting no certificate: the TLS handshake passes (the join path needs it), the session does not.
      HttpClientOptions noCert = new HttpClientOptions().setSsl(true).setUseAlpn(true).setVerifyHost(false)
          .setTrustOptions(new PemTrustOptions().addCertPath(joined.caPath()));
      assertThat(session(vertx, noCert)).isEqualTo("UNAUTHENTICATED");
      // Plaintext: no session.
      assertThat(session(vertx, new HttpClientOptions().setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false))).startsWith("failed");
      // A certificate from another swarm's CA: refused in the handshake.
      RootCa other = RootCa.generate(Instant.now());
      NodeKeys keys = NodeKeys.generate();
      String foreign = Pem.encode(other.issue(keys.csrPem(), worker.nodeId(), NodeTls.WORKER_OU, "x", Duration.ofDays(1), Instant.now()));
      assertThat(session(vertx, withCert(joined.caPath(), foreign, keys.keyPem()))).startsWith("failed");
      // An expired certificate from this swarm's CA: refused.
      assertThat(session(vertx, withCert(joined.caPath(), expiredCertificate(keys, worker.nodeId(), "worker"), keys.keyPem())))
          .startsWith("failed");
      // The same key with a valid certificate from this CA (a node joining with the worker token) gets a session, even
      // when its hello claims to be the manager: the session is the certificate's node's.
      JsonObject valid = await(managerVertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, new JsonObject()
          .put("csr", keys.csrPem()).put("token", token("worker")).put("advertiseAddr", "127.0.0.3"))).body();
      String joinedNow = valid.getString("nodeId");
      try {
        assertThat(session(vertx, withCert(joined.caPath(), valid.getString("cert"), keys.keyPem()), manager.nodeId(), "127.0.0.9"))
            .isEqualTo("accepted");
        Eventually.until("the node's address is the one it said", Duration.ofSeconds(10),
            () -> cli.run("node", "inspect", "--format", "{{.Status.Addr}}", joinedNow).out().trim(), "127.0.0.9"::equals);
        assertThat(cli.run("node", "inspect", "--format", "{{.Status.Addr}}", manager.nodeId()).ok().out().trim()).isEqualTo("127.0.0.1");
      } finally {
        cli.run("node", "rm", "--force", joinedNow);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(5)
  void theWorkerRenewsItsCertificateBeforeItExpiresWithoutARestart(@TempDir Path bundle) throws Exception {
    // Certificates of 8 s (below swarmkit's 1 h minimum, so straight in the store), and the worker restarted on one.
    StoreClient store = new StoreClient(managerVertx.eventBus());
    JsonObject cluster = await(store.list(Kind.CLUSTER)).get(0);
    JsonObject spec = cluster.getJsonObject("Spec").copy();
    spec.getJsonObject("CAConfig").put("NodeCertExpiry", 8_000_000_000L);
    await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), new JsonObject().put("Spec", spec))));
    NodeTls tls = NodeTls.inDataDir(workerDir);
    NodeTls gatewayTls = ControlPlaneCertificates.gatewayFiles(managerDir);
    String renewal = null;
    try {
      NodeKeys keys = NodeKeys.generate();
      JsonObject issued = await(managerVertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, new JsonObject()
          .put("csr", keys.csrPem()).put("nodeId", worker.nodeId()).put("role", "worker"))).body();
      workerVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      ControlPlaneCertificates.save(tls, issued.getString("ca"), keys, issued.getString("cert"));
      X509Certificate first = tls.certificate();
      workerVertx = Vertx.vertx();
      join(workerVertx, null);

      // Renewed at 50-80 % of 8 s, then again: the second time after the first certificate expired, on a new
      // connection that presents the renewed certificate read from disk.
      Eventually.until("two renewals, the last after the first certificate expired", Duration.ofSeconds(40), () -> certificate(tls),
          c -> c.getNotBefore().toInstant().isAfter(first.getNotAfter().toInstant().minus(NodeTls.CERT_BACKDATE)));
      X509Certificate renewed = tls.certificate();
      assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
      assertThat(NodeTls.peerOf(renewed)).isEqualTo(NodeTls.peerOf(first));
      assertThat(cli.run("node", "inspect", "--format", "{{.Status.State}}", worker.nodeId()).ok().out().trim()).isEqualTo("ready");

      // The gateway's certificate too: on a short one, renewed while the TLS port keeps serving, which then presents
      // the renewed one (the docker CLI checks the server's validity) after the short one expired.
      NodeKeys gatewayKeys = NodeKeys.generate();
      JsonObject shortGateway = await(managerVertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, new JsonObject()
          .put("csr", gatewayKeys.csrPem()).put("nodeId", manager.nodeId()).put("role", "manager")
          .put("ips", new io.vertx.core.json.JsonArray().add("127.0.0.1")))).body();
      ControlPlaneCertificates.save(gatewayTls, shortGateway.getString("ca"), gatewayKeys, shortGateway.getString("cert"));
      X509Certificate shortCert = gatewayTls.certificate();
      renewal = await(managerVertx.deployVerticle(ControlPlaneCertificates.gatewayRenewal(managerDir, manager.nodeId(),
          java.util.List.of("127.0.0.1"))));
      Eventually.until("the gateway's certificate renewed after the short one expired", Duration.ofSeconds(40),
          () -> certificate(gatewayTls), c -> c.getNotBefore().toInstant().isAfter(shortCert.getNotAfter().toInstant().minus(NodeTls.CERT_BACKDATE)));
      ClientBundle.copy(managerDir, bundle);
      assertThat(new DockerCli(DockerCli.CLI_28, null).run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(),
          "--tlscert", bundle.resolve("cert.pem").toString(), "--tlskey", bundle.resolve("key.pem").toString(),
          "-H", "tcp://127.0.0.1:" + tlsPort, "node", "ls").ok().out()).contains(manager.nodeId());
    } finally {
      await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), new JsonObject().put("Spec", cluster.getJsonObject("Spec")))));
    }
    try {
      // The next renewals are under the restored 90 days: the worker's, and the gateway's, which the tests after this one
      // use (the suite's own renewal of it is timed from the certificate it read at start, not from the short ones).
      Eventually.until("a certificate for 90 days", Duration.ofSeconds(30), () -> certificate(tls),
          c -> c.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(80))));
      Eventually.until("a gateway certificate for 90 days", Duration.ofSeconds(30), () -> certificate(gatewayTls),
          c -> c.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(80))));
    } finally {
      if (renewal != null) await(managerVertx.undeploy(renewal));
    }
    assertThat(cli.run("node", "inspect", "--format", "{{.Status.State}}", worker.nodeId()).ok().out().trim()).isEqualTo("ready");
  }

  @Test
  @Order(5)
  void aGlobalServiceRunsOnTheNodesThereAre() {
    cli.run("service", "create", "--detach", "--name", GLOBAL, "--mode", "global", "--init", "--stop-grace-period", "1s",
        DockerCli.testImage(), "sleep", "600").ok();
    Map<String, Long> placed = Eventually.until("one task on each of the two nodes", Duration.ofSeconds(30),
        () -> containersPerNode(GLOBAL), m -> m.size() == 2);
    assertThat(placed).containsOnlyKeys(manager.nodeId(), worker.nodeId()).allSatisfy((node, n) -> assertThat(n).isEqualTo(1L));
  }

  @Test
  @Order(7)
  void aGlobalServiceFollowsANodeThatJoinedAndAGlobalJobCompletesOnEveryNode() {
    // The second worker joined after GLOBAL existed (order 6): it gets its task too.
    Eventually.until("a task on the second worker as well", Duration.ofSeconds(30), () -> containersPerNode(GLOBAL),
        m -> m.size() == 3 && total(m) == 3);
    assertThat(cli.run("service", "ls", "--filter", "name=" + GLOBAL, "--format", "{{.Mode}} {{.Replicas}}").ok().out().trim())
        .isEqualTo("global 3/3");
    cli.run("service", "create", "--name", GLOBAL_JOB, "--mode", "global-job", DockerCli.testImage(), "true").ok();
    List<String> ps = Eventually.until("a completed task on each node", Duration.ofSeconds(30),
        () -> DockerCli.lines(cli.run("service", "ps", GLOBAL_JOB, "--format", "{{.Node}} {{.DesiredState}} {{.CurrentState}}").ok().out()),
        l -> l.size() == 3 && l.stream().allMatch(t -> t.contains(" Complete Complete")));
    assertThat(DockerCli.lines(DockerCli.engine().run("ps", "-a", "--filter", "label=com.docker.swarm.service.name=" + GLOBAL_JOB,
        "--format", "{{.Label \"com.docker.swarm.node.id\"}}").ok().out()))
        .containsExactlyInAnyOrder(manager.nodeId(), worker.nodeId(), second.nodeId());
    assertThat(cli.run("service", "ls", "--filter", "name=" + GLOBAL_JOB, "--format", "{{.Mode}} {{.Replicas}}").ok().out().trim())
        .isEqualTo("global job 0/0 (3/3 completed)");
  }

  @Test
  @Order(6)
  void theSpreadPreferenceBalancesZonesRatherThanNodes() throws Exception {
    secondVertx = Vertx.vertx();
    second = Suite.join(secondVertx, new JoinOptions(token("worker"), dispatcher, secondDir, "127.0.0.3", null))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Eventually.until("the second worker is ready", Duration.ofSeconds(20),
        () -> cli.run("node", "inspect", "--format", "{{.Status.State}}", second.nodeId()).out().trim(), "ready"::equals);
    // Zone a: the manager and the second worker, both idle; zone b: the first worker, which runs SERVICE's task.
    cli.run("node", "update", "--label-add", "zone=a", manager.nodeId()).ok();
    cli.run("node", "update", "--label-add", "zone=a", second.nodeId()).ok();
    cli.run("node", "update", "--label-add", "zone=b", worker.nodeId()).ok();
    cli.run("service", "create", "--detach", "--name", SPREAD, "--replicas", "2", "--placement-pref", "spread=node.labels.zone",
        "--init", "--stop-grace-period", "1s", DockerCli.testImage(), "sleep", "600").ok();
    Map<String, Long> placed = Eventually.until("two tasks running", Duration.ofSeconds(30), () -> containersPerNode(SPREAD),
        m -> total(m) == 2);
    // One task per zone, so one on the busy first worker; spreading over nodes alone would have taken the two idle ones.
    assertThat(placed.get(worker.nodeId())).isEqualTo(1L);
  }

  @Test
  @Order(7)
  void aPausedNodeKeepsItsTasksAndTakesNoNewOnes() {
    List<String> before = containersOf(worker);
    cli.run("node", "update", "--availability", "pause", worker.nodeId()).ok();
    try {
      assertThat(cli.run("node", "ls", "--filter", "id=" + worker.nodeId(), "--format", "{{.Availability}}").ok().out().trim())
          .isEqualTo("Pause");
      // By zone, the fourth task would be zone b's, on the paused worker: both new ones go to zone a instead.
      cli.run("service", "scale", "--detach", SPREAD + "=4").ok();
      Map<String, Long> placed = Eventually.until("four tasks running", Duration.ofSeconds(30), () -> containersPerNode(SPREAD),
          m -> total(m) == 4);
      assertThat(placed.get(worker.nodeId())).isEqualTo(1L);
      // What it ran goes on: the same containers, GLOBAL's task included.
      assertThat(containersOf(worker)).containsExactlyInAnyOrderElementsOf(before);
    } finally {
      cli.run("node", "update", "--availability", "active", worker.nodeId()).ok();
    }
  }

  @Test
  @Order(8)
  void drainingANodeMovesItsRunningTasksToTheOthers() {
    assertThat(containersPerNode(SPREAD)).containsKey(second.nodeId());
    cli.run("node", "update", "--availability", "drain", second.nodeId()).ok();
    try {
      Map<String, Long> moved = Eventually.until("the drained worker's tasks running elsewhere", Duration.ofSeconds(30),
          () -> containersPerNode(SPREAD), m -> !m.containsKey(second.nodeId()) && total(m) == 4);
      assertThat(moved.keySet()).containsAnyOf(manager.nodeId(), worker.nodeId());
      assertThat(cli.run("node", "ps", second.nodeId(), "--filter", "desired-state=running", "-q").ok().out()).isBlank();
      assertThat(cli.run("service", "ls", "--filter", "name=" + SPREAD, "--format", "{{.Replicas}}").ok().out().trim()).isEqualTo("4/4");
      // The drained node's global task goes and is not replaced elsewhere.
      Eventually.until("GLOBAL's task gone from the drained worker", Duration.ofSeconds(30), () -> containersPerNode(GLOBAL),
          m -> !m.containsKey(second.nodeId()) && total(m) == 2);
      assertThat(cli.run("service", "ls", "--filter", "name=" + GLOBAL, "--format", "{{.Replicas}}").ok().out().trim()).isEqualTo("2/2");
    } finally {
      cli.run("node", "update", "--availability", "active", second.nodeId()).ok();
    }
  }

  @Test
  @Order(9)
  void aNodeRemovedWithForceLosesItsSessionAndItsTasksRunElsewhere() throws Exception {
    long spreadOnWorker = containersPerNode(SPREAD).getOrDefault(worker.nodeId(), 0L);
    assertThat(spreadOnWorker).isPositive();
    cli.run("node", "rm", "--force", worker.nodeId()).ok();
    assertThat(DockerCli.lines(cli.run("node", "ls", "-q").ok().out())).containsExactlyInAnyOrder(manager.nodeId(), second.nodeId());
    // Its certificate still verifies against the root, but opens no session: the node is not part of the swarm.
    NodeTls joined = NodeTls.inDataDir(workerDir);
    HttpClientOptions own = withCert(joined.caPath(), Files.readString(Path.of(joined.certPath())), Files.readString(Path.of(joined.keyPath())));
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(session(vertx, own)).isEqualTo("PERMISSION_DENIED");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    // Its tasks are replaced on the nodes still in the swarm, and run: SERVICE's (workers only) on the second worker.
    Eventually.until("SERVICE's task running on the second worker", Duration.ofSeconds(30),
        () -> DockerCli.lines(cli.run("node", "ps", second.nodeId(), "--filter", "desired-state=running",
            "--format", "{{.Name}} {{.CurrentState}}").out()),
        lines -> lines.stream().anyMatch(l -> l.startsWith(SERVICE + ".1 Running")));
    Eventually.until("SPREAD's tasks running on the nodes left", Duration.ofSeconds(30),
        () -> DockerCli.lines(cli.run("service", "ps", SPREAD, "--filter", "desired-state=running", "--format", "{{.CurrentState}}").out()),
        states -> states.size() == 4 && states.stream().allMatch(l -> l.startsWith("Running")));
    Map<String, Long> spread = containersPerNode(SPREAD);
    assertThat(spread.getOrDefault(manager.nodeId(), 0L) + spread.getOrDefault(second.nodeId(), 0L)).isEqualTo(4L);
  }

  @Test
  @Order(10)
  void theGatewaysTlsPortServesTheClientBundleAndRefusesOthers(@TempDir Path bundle) throws Exception {
    ClientBundle.copy(managerDir, bundle);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle.resolve("key.pem")))).isEqualTo("rw-------");
    DockerCli plain = new DockerCli(DockerCli.CLI_28, null);
    String host = "tcp://127.0.0.1:" + tlsPort;
    assertThat(plain.run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(), "--tlscert", bundle.resolve("cert.pem").toString(),
        "--tlskey", bundle.resolve("key.pem").toString(), "-H", host, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.NodeID}}")
        .ok().out().trim()).isEqualTo("active " + manager.nodeId());
    // A worker's certificate from the same CA: the handshake passes, the manager's API does not.
    NodeTls workerTls = NodeTls.inDataDir(workerDir);
    DockerCli.Result asWorker = plain.run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(), "--tlscert", workerTls.certPath(),
        "--tlskey", workerTls.keyPath(), "-H", host, "node", "ls");
    assertThat(asWorker.exit()).isNotZero();
    assertThat(asWorker.err()).contains("Worker certificates cannot use the manager's API");
    // A node's manager certificate serves while the node is a manager of the swarm: this manager's own does; one
    // for a node that is not (or no longer) in the swarm, from the same CA, does not.
    NodeTls own = NodeTls.inDataDir(managerDir);
    assertThat(plain.run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(), "--tlscert", own.certPath(),
        "--tlskey", own.keyPath(), "-H", host, "node", "ls", "-q").ok().out()).contains(manager.nodeId());
    NodeKeys goneKeys = NodeKeys.generate();
    JsonObject gone = await(managerVertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, new JsonObject()
        .put("csr", goneKeys.csrPem()).put("nodeId", "removedmanager0000000000001").put("role", "manager"))).body();
    Files.writeString(bundle.resolve("gone.pem"), gone.getString("cert"));
    Files.writeString(bundle.resolve("gone-key.pem"), goneKeys.keyPem());
    DockerCli.Result asGone = plain.run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(), "--tlscert",
        bundle.resolve("gone.pem").toString(), "--tlskey", bundle.resolve("gone-key.pem").toString(), "-H", host, "node", "ls");
    assertThat(asGone.exit()).isNotZero();
    assertThat(asGone.err()).contains("node removedmanager0000000000001 is not a manager of this swarm");
    // A manager certificate naming this manager, from another CA or from this CA but expired: refused in the handshake.
    NodeKeys keys = NodeKeys.generate();
    Files.writeString(bundle.resolve("other-key.pem"), keys.keyPem());
    Files.writeString(bundle.resolve("foreign.pem"), Pem.encode(RootCa.generate(Instant.now())
        .issue(keys.csrPem(), manager.nodeId(), NodeTls.MANAGER_OU, "x", Duration.ofDays(1), Instant.now())));
    Files.writeString(bundle.resolve("expired.pem"), expiredCertificate(keys, manager.nodeId(), "manager"));
    for (String cert : List.of("foreign.pem", "expired.pem")) {
      DockerCli.Result refused = plain.run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(), "--tlscert",
          bundle.resolve(cert).toString(), "--tlskey", bundle.resolve("other-key.pem").toString(), "-H", host, "node", "ls");
      assertThat(refused.exit()).as(cert).isNotZero();
      assertThat(refused.err()).as(cert).contains("remote error: tls: ").doesNotContain("Error response from daemon");
    }
    // No client certificate: refused in the handshake.
    DockerCli.Result anonymous = plain.run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(), "-H", host, "info");
    assertThat(anonymous.exit()).isNotZero();
    assertThat(anonymous.out()).doesNotContain("Swarm: active");
  }

  /** Running task containers of a service on the engine, counted by node (their {@code com.docker.swarm.node.id}). */
  private static Map<String, Long> containersPerNode(String service) {
    return DockerCli.lines(DockerCli.engine().run("ps", "--filter", "label=com.docker.swarm.service.name=" + service,
            "--format", "{{.Label \"com.docker.swarm.node.id\"}}").ok().out()).stream()
        .collect(Collectors.groupingBy(node -> node, Collectors.counting()));
  }

  private static long total(Map<String, Long> perNode) { return perNode.values().stream().mapToLong(Long::longValue).sum(); }

  /** The IDs of the running task containers of a node. */
  private static List<String> containersOf(NodeIdentity node) {
    return DockerCli.lines(DockerCli.engine().run("ps", "-q", "--filter", "label=com.docker.swarm.node.id=" + node.nodeId()).ok().out());
  }

  /**
   * A certificate from this swarm's CA that has already expired: the cluster's expiry set to 1 ns straight in the
   * store (below swarmkit's 1 h minimum; the CA backdates by 1 h) while it is issued.
   */
  private String expiredCertificate(NodeKeys keys, String nodeId, String role) throws Exception {
    StoreClient store = new StoreClient(managerVertx.eventBus());
    JsonObject cluster = await(store.list(Kind.CLUSTER)).get(0);
    JsonObject spec = cluster.getJsonObject("Spec").copy();
    spec.getJsonObject("CAConfig").put("NodeCertExpiry", 1L);
    await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), new JsonObject().put("Spec", spec))));
    try {
      return await(managerVertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, new JsonObject()
          .put("csr", keys.csrPem()).put("nodeId", nodeId).put("role", role))).body().getString("cert");
    } finally {
      await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), new JsonObject().put("Spec", cluster.getJsonObject("Spec")))));
    }
  }

  private HttpClientOptions withCert(String caPath, String certPem, String keyPem) {
    return new HttpClientOptions().setSsl(true).setUseAlpn(true).setVerifyHost(false)
        .setTrustOptions(new PemTrustOptions().addCertPath(caPath))
        .setKeyCertOptions(new PemKeyCertOptions().addCertValue(Buffer.buffer(certPem)).addKeyValue(Buffer.buffer(keyPem)));
  }

  /** Opens a dispatcher session and says hello: "accepted", the refusal's gRPC status, or "failed: ..." when no call got through. */
  private String session(Vertx vertx, HttpClientOptions options) throws Exception {
    return session(vertx, options, worker.nodeId(), "127.0.0.2");
  }

  private String session(Vertx vertx, HttpClientOptions options, String helloNodeId, String helloAddr) throws Exception {
    GrpcClient client = GrpcClient.client(vertx, options);
    try {
      Promise<String> outcome = Promise.promise();
      client.request(SocketAddress.inetSocketAddress(options().dispatcherPort(), "127.0.0.1"), DispatcherMethods.SESSION_CLIENT)
          .onFailure(e -> outcome.tryComplete("failed: " + e))
          .onSuccess(call -> {
            call.write(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNodeId(helloNodeId).setAddr(helloAddr)).build());
            call.response().onFailure(e -> outcome.tryComplete("failed: " + e)).onSuccess(response -> {
              response.handler(msg -> {
                if (msg.hasAccepted()) outcome.tryComplete("accepted");
              });
              response.exceptionHandler(e -> outcome.tryComplete("failed: " + e));
              response.endHandler(v -> outcome.tryComplete(response.status().name()));
            });
          });
      return outcome.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  private UpOptions options() { return options; }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static X509Certificate certificate(NodeTls tls) {
    try {
      return tls.certificate();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static X509Certificate pem(Path file) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readString(file).getBytes(StandardCharsets.UTF_8)));
  }
}
