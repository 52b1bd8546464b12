package io.enxame.deploy;

import io.enxame.secrets.pki.NodeKeys;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.testing.Blocking;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.tls.JoinToken;
import io.enxame.shared.tls.NodeTls;
import io.enxame.shared.tls.NodeTlsInfo;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docker swarm ca --rotate} with the real CLI on a manager ({@code enxame up}) and a joined worker (each its own
 * Vert.x): the CLI follows the rotation to its end and prints the new root; the worker stays ready throughout and ends
 * with a certificate from the new root and a CA file holding only it; tokens minted before are refused, the new ones
 * join; {@code docker --tlsverify} works through 2376 with a client bundle taken after the rotation. Then once detached,
 * and once to an RSA root made with openssl and given with {@code --ca-cert}/{@code --ca-key}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaRotateIT {
  @TempDir static Path managerDir;
  @TempDir static Path workerDir;
  @TempDir static Path lateDir;

  private Vertx managerVertx;
  private Vertx workerVertx;
  private Vertx lateVertx;
  private NodeIdentity manager;
  private NodeIdentity worker;
  private NodeIdentity late;
  private DockerCli cli;
  private String dispatcher;
  private int tlsPort;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    UpOptions options = new UpOptions(managerDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    manager = NodeIdentity.loadOrCreate(managerDir);
    managerVertx = Vertx.vertx();
    tlsPort = Suite.up(managerVertx, options, manager).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).gatewayTlsPort();
    cli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + options.gatewayPort());
    dispatcher = "127.0.0.1:" + options.dispatcherPort();
    workerVertx = Vertx.vertx();
    worker = join(workerVertx, token("worker"), workerDir, "127.0.0.2");
    Eventually.until("the worker is ready", Duration.ofSeconds(20), () -> state(worker), s -> s.equals("ready"));
  }

  @AfterAll
  void stop() throws Exception {
    for (Vertx v : new Vertx[] {lateVertx, workerVertx, managerVertx}) {
      if (v != null) v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void rotatesTheRootWithoutCuttingAnyNodeOff(@TempDir Path bundle) throws Exception {
    String oldRoot = cli.run("swarm", "ca").ok().out().trim();
    String oldWorkerToken = token("worker");
    String oldManagerToken = token("manager");
    assertThat(JoinToken.pins(oldWorkerToken, oldRoot + "\n")).isTrue();

    // Watch the worker's state in the store all along: a dropped session would show as down.
    Set<String> workerStates = ConcurrentHashMap.newKeySet();
    StoreClient store = new StoreClient(managerVertx.eventBus());
    long watch = managerVertx.setPeriodic(100, t -> store.get(Kind.NODES, worker.nodeId())
        .onSuccess(n -> workerStates.add(Json.string(n, "Status.State"))));
    long started = System.nanoTime();
    DockerCli.Result rotated;
    try {
      rotated = cli.run("swarm", "ca", "--rotate").ok();
    } finally {
      managerVertx.cancelTimer(watch);
    }
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.println("docker swarm ca --rotate took " + tookMillis + " ms");

    String newRoot = cli.run("swarm", "ca").ok().out().trim();
    assertThat(newRoot).startsWith("-----BEGIN CERTIFICATE-----").isNotEqualTo(oldRoot);
    assertThat(rotated.out()).contains("rotated TLS certificates").endsWith(newRoot + "\n");
    assertThat(cli.run("info", "--format", "{{.Swarm.Cluster.RootRotationInProgress}}").ok().out().trim()).isEqualTo("false");
    assertThat(workerStates).containsExactly("ready");

    // Every node: a certificate from the new root, the new root alone in its CA file, as inspect reports it.
    for (NodeIdentity node : List.of(manager, worker)) {
      assertThat(cli.run("node", "inspect", "--format", "{{.Description.TLSInfo.TrustRoot}}", node.nodeId()).ok().out().trim()).isEqualTo(newRoot);
    }
    NodeTls workerTls = NodeTls.inDataDir(workerDir);
    X509Certificate newRootCert = pem(newRoot);
    workerTls.certificate().verify(newRootCert.getPublicKey());
    assertThat(Files.readString(Path.of(workerTls.caPath())).trim()).isEqualTo(newRoot);
    assertThat(NodeTlsInfo.read(workerTls).getString("CertIssuerPublicKey"))
        .isEqualTo(java.util.Base64.getEncoder().encodeToString(newRootCert.getPublicKey().getEncoded()));
    ControlPlaneCertificates.gatewayFiles(managerDir).certificate().verify(newRootCert.getPublicKey());
    assertThat(state(worker)).isEqualTo("ready");

    // Tokens: both changed their CA digest; the old ones admit nobody, the new one joins a node under the new root.
    String newWorkerToken = token("worker");
    assertThat(JoinToken.pins(newWorkerToken, newRoot + "\n")).isTrue();
    assertThat(token("manager")).isNotEqualTo(oldManagerToken);
    Vertx refused = Vertx.vertx();
    try {
      assertThatThrownBy(() -> join(refused, oldWorkerToken, lateDir, "127.0.0.3")).hasMessageStartingWith("remote CA does not match fingerprint");
    } finally {
      refused.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> managerVertx.eventBus().request(Addresses.SECRETS_ISSUE_NODE_CERT, new JsonObject()
            .put("csr", NodeKeys.generate().csrPem()).put("token", oldWorkerToken)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS))
        .cause().isInstanceOf(ReplyException.class).hasMessage(JoinToken.INVALID_FOR_CLUSTER);
    lateVertx = Vertx.vertx();
    late = join(lateVertx, newWorkerToken, lateDir, "127.0.0.3");
    NodeTls lateTls = NodeTls.inDataDir(lateDir);
    lateTls.certificate().verify(newRootCert.getPublicKey());
    assertThat(Files.readString(Path.of(lateTls.caPath())).trim()).isEqualTo(newRoot);
    Eventually.until("the node joined after the rotation is ready", Duration.ofSeconds(20), () -> state(late), s -> s.equals("ready"));

    // The gateway's TLS port with a client bundle taken after the rotation.
    ClientBundle.copy(managerDir, bundle);
    assertThat(Files.readString(bundle.resolve("ca.pem")).trim()).isEqualTo(newRoot);
    assertThat(new DockerCli(DockerCli.CLI_28, null).run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(),
        "--tlscert", bundle.resolve("cert.pem").toString(), "--tlskey", bundle.resolve("key.pem").toString(),
        "-H", "tcp://127.0.0.1:" + tlsPort, "node", "ls", "-q").ok().out()).contains(manager.nodeId(), worker.nodeId(), late.nodeId());

    // Again, detached: the CLI returns at once and the swarm gets there by itself.
    assertThat(cli.run("swarm", "ca", "--rotate", "--detach").ok().out()).isEmpty();
    String third = Eventually.until("the second rotation ends", Duration.ofSeconds(30),
        () -> cli.run("info", "--format", "{{.Swarm.Cluster.RootRotationInProgress}} {{.Swarm.Cluster.TLSInfo.TrustRoot}}").ok().out().trim(),
        s -> s.startsWith("false ") && !s.endsWith(newRoot)).substring("false ".length()).trim();
    Eventually.until("the worker's CA file holds only the latest root", Duration.ofSeconds(10),
        () -> readTrimmed(Path.of(workerTls.caPath())), third::equals);
    workerTls.certificate().verify(pem(third).getPublicKey());
    assertThat(state(worker)).isEqualTo("ready");

    // To a root the user made (openssl, RSA 2048 where the swarm's own are P-256): the CLI sends it with its key
    // (--ca-cert/--ca-key), follows the rotation to it and prints it; every certificate ends under it.
    Path userRoot = bundle.resolve("user-root.pem");
    Path userKey = bundle.resolve("user-root-key.pem");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", userKey.toString(), "-out", userRoot.toString(),
        "-days", "3650", "-subj", "/CN=enxame-user-root", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    X509Certificate given = pem(Files.readString(userRoot));
    long givenStarted = System.nanoTime();
    DockerCli.Result toGiven = cli.run("swarm", "ca", "--rotate", "--ca-cert", userRoot.toString(), "--ca-key", userKey.toString()).ok();
    System.out.println("docker swarm ca --rotate --ca-cert --ca-key took " + (System.nanoTime() - givenStarted) / 1_000_000 + " ms");
    String printed = cli.run("swarm", "ca").ok().out().trim();
    assertThat(pem(printed)).isEqualTo(given);
    assertThat(toGiven.out()).contains("rotated TLS certificates").endsWith(printed + "\n");
    workerTls.certificate().verify(given.getPublicKey());
    assertThat(pem(readTrimmed(Path.of(workerTls.caPath())))).isEqualTo(given);
    ControlPlaneCertificates.gatewayFiles(managerDir).certificate().verify(given.getPublicKey());
    assertThat(state(worker)).isEqualTo("ready");
    // Neither the certificate nor the key is kept in the spec (swarmkit redacts both), and the key is stored only sealed.
    assertThat(cli.run("info", "--format", "{{json .Swarm.Cluster.Spec.CAConfig}}").ok().out()).doesNotContain("SigningCA");
    String keyLine = Files.readAllLines(userKey).get(5);
    assertThat(Blocking.await(store.list(Kind.CLUSTER)).get(0).encode()).doesNotContain(keyLine);
    assertThat(Blocking.await(store.list(Kind.PKI)).get(0).encode()).doesNotContain(keyLine);
    // Go's TLS accepts the gateway's certificate signed by the RSA root.
    ClientBundle.copy(managerDir, bundle);
    assertThat(new DockerCli(DockerCli.CLI_28, null).run("--tlsverify", "--tlscacert", bundle.resolve("ca.pem").toString(),
        "--tlscert", bundle.resolve("cert.pem").toString(), "--tlskey", bundle.resolve("key.pem").toString(),
        "-H", "tcp://127.0.0.1:" + tlsPort, "node", "ls", "-q").ok().out()).contains(worker.nodeId());

    // --external-ca is refused rather than ignored.
    DockerCli.Result external = cli.run("swarm", "update", "--external-ca", "protocol=cfssl,url=https://ca.example.com:8888");
    assertThat(external.exit()).isNotZero();
    assertThat(external.err()).contains("external CAs are not supported by Enxame");
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl " + String.join(" ", args)).isTrue();
  }

  private static String readTrimmed(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String token(String role) {
    return cli.run("swarm", "join-token", "-q", role).ok().out().trim();
  }

  private String state(NodeIdentity node) {
    return cli.run("node", "inspect", "--format", "{{.Status.State}}", node.nodeId()).out().trim();
  }

  private NodeIdentity join(Vertx vertx, String token, Path dir, String addr) throws Exception {
    try {
      return Suite.join(vertx, new JoinOptions(token, dispatcher, dir, addr, null)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static X509Certificate pem(String pem) throws Exception {
    return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }
}
