package io.enxame.secrets.pki;

import io.enxame.secrets.SecretsVerticle;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.testing.Blocking;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.tls.JoinToken;
import io.enxame.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PKI over a real single-member store: swarm init makes the CA and tokens, joins are admitted by token. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PkiIT {
  @TempDir Path dir;
  private Vertx vertx;
  private StoreClient store;
  private String secretsDeployment;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = new StoreClient(vertx.eventBus());
    JsonObject storeConfig = new JsonObject().put("nodeId", "manager1").put("hostname", "m1").put("initSwarm", true)
        .put("raftPort", Ports.free()).put("dataDir", dir.resolve("store").toString());
    Blocking.await(vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(storeConfig)));
    secretsDeployment = deploySecrets();
  }

  @AfterEach
  void stop() throws Exception {
    Blocking.await(vertx.close());
  }

  private String deploySecrets() throws Exception {
    return Blocking.await(vertx.deployVerticle(new SecretsVerticle(),
        new DeploymentOptions().setConfig(new JsonObject().put("dataDir", dir.resolve("secrets").toString()))));
  }

  private JsonObject cluster() throws Exception {
    return Blocking.await(store.list(Kind.CLUSTER)).get(0);
  }

  private JsonObject issue(JsonObject request) throws Exception {
    return Blocking.await(vertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, request).map(Message::body));
  }

  @Test
  void swarmInitMakesTheRootCaAndTokensAndKeepsTheKeySealed() throws Exception {
    JsonObject cluster = cluster();
    String trustRoot = Json.string(cluster, "TLSInfo.TrustRoot");
    X509Certificate root = Pem.certificate(trustRoot);
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=swarm-ca");
    assertThat(Json.string(cluster, "TLSInfo.CertIssuerPublicKey")).isNotEmpty();
    for (String role : new String[] {"Worker", "Manager"}) {
      String token = Json.string(cluster, "JoinTokens." + role);
      assertThat(token).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}");
      assertThat(JoinToken.pins(token, trustRoot)).isTrue();
    }
    JsonObject pki = Blocking.await(store.get(Kind.PKI, cluster.getString("ID")));
    assertThat(pki.getString("Cert")).isEqualTo(trustRoot);
    // Only the envelope's ciphertexts: a data key sealed under the secrets key, and the key sealed under it.
    assertThat(pki.getJsonObject("Key").fieldNames()).containsExactlyInAnyOrder("Key", "Data");
    assertThat(pki.getJsonObject("Key").getJsonObject("Data").fieldNames()).containsExactlyInAnyOrder("Nonce", "Ciphertext");
    assertThat(pki.encode()).doesNotContain("PRIVATE KEY");

    // A restarted service loads the same CA rather than making another.
    Blocking.await(vertx.undeploy(secretsDeployment));
    deploySecrets();
    JsonObject after = cluster();
    assertThat(Json.string(after, "TLSInfo.TrustRoot")).isEqualTo(trustRoot);
    assertThat(after.getJsonObject("JoinTokens")).isEqualTo(cluster.getJsonObject("JoinTokens"));
    KeyPair node = RootCa.newP256KeyPair();
    JsonObject issued = issue(new JsonObject().put("csr", Csrs.csr(node)).put("token", Json.string(after, "JoinTokens.Worker")));
    Pem.certificate(issued.getString("cert")).verify(root.getPublicKey());
  }

  @Test
  void aTokenAdmitsANodeInItsRoleAndCreatesTheNode() throws Exception {
    JsonObject cluster = cluster();
    KeyPair node = RootCa.newP256KeyPair();
    JsonObject issued = issue(new JsonObject().put("csr", Csrs.csr(node)).put("token", Json.string(cluster, "JoinTokens.Worker"))
        .put("hostname", "worker-a").put("advertiseAddr", "127.0.0.2"));
    assertThat(issued.getString("role")).isEqualTo("worker");
    assertThat(issued.getString("ca")).isEqualTo(Json.string(cluster, "TLSInfo.TrustRoot"));
    X509Certificate cert = Pem.certificate(issued.getString("cert"));
    assertThat(cert.getPublicKey()).isEqualTo(node.getPublic());
    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=" + issued.getString("nodeId") + ",OU=swarm-worker,O=" + cluster.getString("ID"));
    // Expiry from the cluster's CAConfig (90 days by default).
    assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays()).isBetween(89L, 90L);
    JsonObject stored = Blocking.await(store.get(Kind.NODES, issued.getString("nodeId")));
    assertThat(Json.string(stored, "Spec.Role")).isEqualTo("worker");
    assertThat(Json.string(stored, "Description.Hostname")).isEqualTo("worker-a");
    assertThat(Json.string(stored, "Status.Addr")).isEqualTo("127.0.0.2");

    JsonObject manager = issue(new JsonObject().put("csr", Csrs.csr(RootCa.newP256KeyPair())).put("token", Json.string(cluster, "JoinTokens.Manager")));
    assertThat(manager.getString("role")).isEqualTo("manager");
    assertThat(Pem.certificate(manager.getString("cert")).getSubjectX500Principal().getName()).contains("OU=swarm-manager");
  }

  @Test
  void certExpiryFollowsTheClustersConfig() throws Exception {
    JsonObject cluster = cluster();
    JsonObject spec = cluster.getJsonObject("Spec").copy();
    spec.getJsonObject("CAConfig").put("NodeCertExpiry", Duration.ofHours(2).toNanos());
    Blocking.await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), new JsonObject().put("Spec", spec))));
    JsonObject issued = issue(new JsonObject().put("csr", Csrs.csr(RootCa.newP256KeyPair())).put("token", Json.string(cluster, "JoinTokens.Worker")));
    long minutes = Duration.between(Instant.now(), Pem.certificate(issued.getString("cert")).getNotAfter().toInstant()).toMinutes();
    assertThat(minutes).isBetween(118L, 120L);
  }

  @Test
  void aWrongOrRotatedAwayTokenIsRefusedAndCreatesNothing() throws Exception {
    JsonObject cluster = cluster();
    String worker = Json.string(cluster, "JoinTokens.Worker");
    String csr = Csrs.csr(RootCa.newP256KeyPair());
    int nodesBefore = Blocking.await(store.list(Kind.NODES)).size();
    for (String bad : new String[] {"SWMTKN-1-nope-nope", JoinToken.rotate(worker).orElseThrow(), ""}) {
      assertThatThrownBy(() -> issue(new JsonObject().put("csr", csr).put("token", bad)))
          .satisfies(e -> assertThat(Failures.statusOf(e)).isEqualTo(400))
          .hasMessage(JoinToken.INVALID_FOR_CLUSTER);
    }
    // Rotation (as the gateway's swarm update does it) retires the old token.
    JsonObject tokens = cluster.getJsonObject("JoinTokens").copy().put("Worker", JoinToken.rotate(worker).orElseThrow());
    Blocking.await(store.tx(StoreOp.merge(Kind.CLUSTER, cluster.getString("ID"), new JsonObject().put("JoinTokens", tokens))));
    assertThatThrownBy(() -> issue(new JsonObject().put("csr", csr).put("token", worker))).hasMessage(JoinToken.INVALID_FOR_CLUSTER);
    assertThat(issue(new JsonObject().put("csr", csr).put("token", tokens.getString("Worker"))).getString("role")).isEqualTo("worker");
    // A bad CSR with a good token: 400, no node.
    assertThatThrownBy(() -> issue(new JsonObject().put("csr", "garbage").put("token", tokens.getString("Worker"))))
        .satisfies(e -> assertThat(Failures.statusOf(e)).isEqualTo(400));
    assertThat(Blocking.await(store.list(Kind.NODES))).hasSize(nodesBefore + 1);
  }

  @Test
  void aRootRotationSignsWithTheNewKeyAndEndsOnlyOnceEveryNodeHasMoved() throws Exception {
    JsonObject before = cluster();
    String oldRoot = Json.string(before, "TLSInfo.TrustRoot");
    String oldToken = Json.string(before, "JoinTokens.Worker");
    JsonObject next = before.copy();
    next.getJsonObject("Spec").getJsonObject("CAConfig").put("ForceRotate", 1);
    JsonObject stale = new JsonObject().put("cluster", next).put("version", Json.version(before) - 1);
    assertThatThrownBy(() -> Blocking.await(vertx.eventBus().request(Addresses.SECRETS_ROTATE_ROOT, stale)))
        .satisfies(e -> assertThat(Failures.statusOf(e)).isEqualTo(Failures.CONFLICT));
    Blocking.await(vertx.eventBus().request(Addresses.SECRETS_ROTATE_ROOT, new JsonObject().put("cluster", next).put("version", Json.version(before))));

    JsonObject rotating = cluster();
    assertThat(rotating.getBoolean("RootRotationInProgress")).isTrue();
    assertThat(Json.number(rotating, "Spec.CAConfig.ForceRotate")).isEqualTo(1L);
    assertThat(Json.string(rotating, "TLSInfo.TrustRoot")).isEqualTo(oldRoot);
    String newRoot = Json.string(rotating, "RootRotation.CACert");
    X509Certificate oldCert = Pem.certificate(oldRoot);
    X509Certificate newCert = Pem.certificate(newRoot);
    // Joins go on with the same tokens; what they get is signed by the new key, with the cross-signed link and both roots.
    JsonObject during = issue(new JsonObject().put("csr", Csrs.csr(RootCa.newP256KeyPair())).put("token", oldToken));
    assertThat(during.getString("ca")).isEqualTo(oldRoot + newRoot);
    String[] chain = during.getString("cert").split("(?<=-----END CERTIFICATE-----\n)");
    assertThat(chain).hasSize(2);
    Pem.certificate(chain[0]).verify(newCert.getPublicKey());
    Pem.certificate(chain[1]).verify(oldCert.getPublicKey());

    // Not over while a node (the manager, and the node just joined) reports no certificate from the new key.
    Thread.sleep(2 * RootRotation.RECONCILE_MILLIS);
    assertThat(cluster().getBoolean("RootRotationInProgress")).isTrue();
    moveEveryNode(rotating);
    JsonObject after = rotationEnded();
    assertThat(after.containsKey("RootRotation")).isFalse();
    assertThat(Json.string(after, "TLSInfo.TrustRoot")).isEqualTo(newRoot);
    for (String role : new String[] {"Worker", "Manager"}) {
      assertThat(JoinToken.pins(Json.string(after, "JoinTokens." + role), newRoot)).isTrue();
    }
    JsonObject pki = Blocking.await(store.get(Kind.PKI, after.getString("ID")));
    assertThat(pki.getString("Cert")).isEqualTo(newRoot);
    assertThat(pki.containsKey("Rotation")).isFalse();
    assertThatThrownBy(() -> issue(new JsonObject().put("csr", Csrs.csr(RootCa.newP256KeyPair())).put("token", oldToken)))
        .hasMessage(JoinToken.INVALID_FOR_CLUSTER);
    JsonObject fresh = issue(new JsonObject().put("csr", Csrs.csr(RootCa.newP256KeyPair())).put("token", Json.string(after, "JoinTokens.Worker")));
    assertThat(fresh.getString("ca")).isEqualTo(newRoot);
    assertThat(fresh.getString("cert").split("-----END CERTIFICATE-----\n")).hasSize(1);
    Pem.certificate(fresh.getString("cert")).verify(newCert.getPublicKey());
  }

  @Test
  void aRootTheUserGivesIsCheckedThenRotatedToAndOnlyItsKeyCanEndALaterRotation() throws Exception {
    JsonObject before = cluster();
    String clusterId = before.getString("ID");
    KeyPair pair = TestRoots.ec("secp384r1");
    X509Certificate userRoot = TestRoots.root(pair, "user-root", Instant.now(), Duration.ofDays(3650));
    String userPem = Pem.encode(userRoot);
    String keyPem = TestRoots.pkcs8(pair.getPrivate());

    // Refused with swarmkit's words, and nothing changes.
    refused(given(before, userPem, sealed(clusterId, TestRoots.pkcs8(TestRoots.ec("secp256r1").getPrivate()))),
        "rpc error: code = InvalidArgument desc = certificate key mismatch");
    refused(given(before, userPem, sealed("another-cluster", keyPem)), "the signing key was not sealed to this secrets service's transit key");
    assertThat(Json.version(cluster())).isEqualTo(Json.version(before));

    rotate(given(before, userPem, sealed(clusterId, keyPem)));
    JsonObject rotating = cluster();
    assertThat(rotating.getBoolean("RootRotationInProgress")).isTrue();
    assertThat(Pem.certificate(Json.string(rotating, "RootRotation.CACert"))).isEqualTo(userRoot);
    JsonObject pki = Blocking.await(store.get(Kind.PKI, clusterId));
    String keyBody = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
    assertThat(pki.getJsonObject("Rotation").getJsonObject("Key").fieldNames()).containsExactlyInAnyOrder("Key", "Data");
    assertThat(pki.encode()).doesNotContain(keyBody.substring(40, 80)).doesNotContain(keyPem.substring(40, 80));
    // Certificates are now signed by the user's key (SHA-384, as cfssl signs with a P-384 key).
    X509Certificate during = Pem.certificate(issue(new JsonObject().put("csr", Csrs.csr(RootCa.newP256KeyPair()))
        .put("token", Json.string(rotating, "JoinTokens.Worker"))).getString("cert"));
    during.verify(userRoot.getPublicKey());
    assertThat(during.getSigAlgName()).isEqualTo("SHA384withECDSA");

    // The same root again: that rotation goes on, untouched.
    rotate(given(rotating, userPem, sealed(clusterId, keyPem)));
    assertThat(Blocking.await(store.get(Kind.PKI, clusterId)).getJsonObject("Rotation")).isEqualTo(pki.getJsonObject("Rotation"));
    moveEveryNode(cluster());
    JsonObject after = rotationEnded();
    assertThat(Pem.certificate(Json.string(after, "TLSInfo.TrustRoot"))).isEqualTo(userRoot);

    // Another certificate for the same key is refused (swarmkit's "identical key").
    X509Certificate reissued = TestRoots.root(pair, "user-root-again", Instant.now(), Duration.ofDays(3650));
    refused(given(after, Pem.encode(reissued), sealed(clusterId, keyPem)),
        "rpc error: code = InvalidArgument desc = Cannot update to a cert with an identical key");

    // A generated rotation, then the current root (the user has its key) ends it: back to the user's root alone.
    JsonObject forced = after.copy();
    forced.getJsonObject("Spec").getJsonObject("CAConfig").put("ForceRotate", 7);
    rotate(new JsonObject().put("cluster", forced).put("version", Json.version(after)));
    JsonObject second = cluster();
    assertThat(second.getBoolean("RootRotationInProgress")).isTrue();
    rotate(given(second, userPem, sealed(clusterId, keyPem)));
    JsonObject aborted = cluster();
    assertThat(aborted.getBoolean("RootRotationInProgress")).isFalse();
    assertThat(aborted.containsKey("RootRotation")).isFalse();
    assertThat(Json.number(aborted, "Spec.CAConfig.ForceRotate")).isEqualTo(7L);
    assertThat(Pem.certificate(Json.string(aborted, "TLSInfo.TrustRoot"))).isEqualTo(userRoot);
    assertThat(Blocking.await(store.get(Kind.PKI, clusterId)).containsKey("Rotation")).isFalse();
    Pem.certificate(issue(new JsonObject().put("csr", Csrs.csr(RootCa.newP256KeyPair()))
        .put("token", Json.string(aborted, "JoinTokens.Worker"))).getString("cert")).verify(userRoot.getPublicKey());
  }

  private JsonObject given(JsonObject cluster, String certPem, JsonObject sealedKey) {
    return new JsonObject().put("cluster", cluster.copy()).put("version", Json.version(cluster))
        .put("signingCert", certPem).put("signingKey", sealedKey);
  }

  private JsonObject sealed(String clusterId, String keyPem) throws Exception {
    JsonObject transit = Blocking.await(vertx.eventBus().<JsonObject>request(Addresses.SECRETS_TRANSIT_KEY, new JsonObject()).map(Message::body));
    return SealedBox.seal(Base64.getDecoder().decode(transit.getString("publicKey")), keyPem.getBytes(StandardCharsets.UTF_8),
        Kind.PKI.wire() + "/" + clusterId);
  }

  private void rotate(JsonObject request) throws Exception {
    Blocking.await(vertx.eventBus().request(Addresses.SECRETS_ROTATE_ROOT, request));
  }

  private void refused(JsonObject request, String message) {
    assertThatThrownBy(() -> rotate(request)).hasMessageStartingWith(message)
        .satisfies(e -> assertThat(Failures.statusOf(e)).isEqualTo(400));
  }

  /** Every node reports a certificate from the rotation's new key, as their agents would once renewed. */
  private void moveEveryNode(JsonObject rotating) throws Exception {
    JsonObject moved = new JsonObject().put("CertIssuerSubject", Json.string(rotating, "RootRotation.CertIssuerSubject"))
        .put("CertIssuerPublicKey", Json.string(rotating, "RootRotation.CertIssuerPublicKey"))
        .put("TrustRoot", Json.string(rotating, "TLSInfo.TrustRoot") + Json.string(rotating, "RootRotation.CACert"));
    for (JsonObject node : Blocking.await(store.list(Kind.NODES))) {
      JsonObject description = node.getJsonObject("Description", new JsonObject()).copy().put("TLSInfo", moved);
      Blocking.await(store.tx(StoreOp.merge(Kind.NODES, node.getString("ID"), new JsonObject().put("Description", description))));
    }
  }

  private JsonObject rotationEnded() {
    return io.enxame.shared.testing.Eventually.until("the rotation ends", Duration.ofSeconds(10), () -> {
      try {
        return cluster();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, c -> !c.getBoolean("RootRotationInProgress"));
  }
}
