package io.enxame.deploy;

import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.tls.JoinToken;
import io.vertx.core.Vertx;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code enxame join} against a running all-in-one manager: a second node (its own Vert.x, advertising 127.0.0.2)
 * pins the CA by the token, gets a worker certificate and runs an agent that takes tasks on the shared engine.
 * Tokens come from the real docker CLI; refused joins leave nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JoinIT {
  private static final String SERVICE = "pki-join-it";
  @TempDir static Path managerDir;
  @TempDir static Path workerDir;

  private UpOptions options;
  private NodeIdentity manager;
  private NodeIdentity worker;
  private Vertx managerVertx;
  private Vertx workerVertx;
  private DockerCli cli;
  private String dispatcher;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(DockerCli.installed(DockerCli.CLI_28), "docker CLI 28 is not installed");
    DockerCli.testImage();
    options = new UpOptions(managerDir, "127.0.0.1", Ports.free(), Ports.free(), Ports.free(), null);
    manager = NodeIdentity.loadOrCreate(managerDir);
    managerVertx = Vertx.vertx();
    Suite.up(managerVertx, options, manager).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    cli = new DockerCli(DockerCli.CLI_28, "tcp://127.0.0.1:" + options.gatewayPort());
    dispatcher = "127.0.0.1:" + options.dispatcherPort();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (cli != null) cli.run("service", "rm", SERVICE);
      if (workerVertx != null) workerVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (managerVertx != null) managerVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      if (manager != null) DockerCli.removeTaskContainers(manager.nodeId());
      if (worker != null) DockerCli.removeTaskContainers(worker.nodeId());
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
      assertThat(Files.exists(workerDir.resolve(NodeJoin.CERTS).resolve(NodeJoin.NODE_CERT))).isFalse();
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
    Path certs = workerDir.resolve(NodeJoin.CERTS);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(NodeJoin.NODE_KEY)))).isEqualTo("rw-------");
    X509Certificate root = pem(certs.resolve(NodeJoin.ROOT_CA));
    X509Certificate cert = pem(certs.resolve(NodeJoin.NODE_CERT));
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

  private static X509Certificate pem(Path file) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readString(file).getBytes(StandardCharsets.UTF_8)));
  }
}
