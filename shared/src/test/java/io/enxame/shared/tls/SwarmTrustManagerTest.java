package io.enxame.shared.tls;

import io.enxame.shared.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwarmTrustManagerTest {
  @TempDir Path dir;

  private static X509Certificate[] chainOf(NodeTls tls) {
    return new NodeKeyManager(tls, Optional.empty()).current().chain();
  }

  @Test
  void aManagerCertificateFromTheSwarmRootIsTrustedAndAWorkerOneIsNot() throws Exception {
    TestPki pki = TestPki.create("cluster1");
    NodeTls self = pki.issue(dir.resolve("self"), "self", NodeTls.MANAGER_OU);
    SwarmTrustManager managersOnly = new SwarmTrustManager(self, NodeTls.MANAGER_OU, Set.of());

    X509Certificate[] manager = chainOf(pki.issue(dir.resolve("m"), "m2", NodeTls.MANAGER_OU));
    X509Certificate[] worker = chainOf(pki.issue(dir.resolve("w"), "w1", NodeTls.WORKER_OU));
    assertThatCode(() -> managersOnly.checkClientTrusted(manager, "UNKNOWN", (javax.net.ssl.SSLEngine) null)).doesNotThrowAnyException();
    assertThatCode(() -> managersOnly.checkServerTrusted(manager, "ECDHE_ECDSA", (javax.net.ssl.SSLEngine) null)).doesNotThrowAnyException();
    assertThatThrownBy(() -> managersOnly.checkClientTrusted(worker, "UNKNOWN"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("swarm-manager certificate is required");
    assertThatCode(() -> new SwarmTrustManager(self, null, Set.of()).checkClientTrusted(worker, "UNKNOWN")).doesNotThrowAnyException();
  }

  @Test
  void anotherCaAndAnExpiredCertificateAreRefused() {
    TestPki pki = TestPki.create("cluster1");
    NodeTls self = pki.issue(dir.resolve("self"), "self", NodeTls.MANAGER_OU);
    SwarmTrustManager trust = new SwarmTrustManager(self, NodeTls.MANAGER_OU, Set.of());

    X509Certificate[] foreign = chainOf(TestPki.create("cluster1").issue(dir.resolve("f"), "m2", NodeTls.MANAGER_OU));
    Instant now = Instant.now();
    X509Certificate[] expired = chainOf(pki.issue(dir.resolve("e"), "m3", NodeTls.MANAGER_OU, now.minusSeconds(7200), now.minusSeconds(60)));
    assertThatThrownBy(() -> trust.checkClientTrusted(foreign, "UNKNOWN")).isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> trust.checkClientTrusted(expired, "UNKNOWN")).isInstanceOf(CertificateException.class);
  }

  @Test
  void aNewRootInTheCaFileIsTrustedByTheNextCheck() throws Exception {
    TestPki first = TestPki.create("cluster1");
    NodeTls self = first.issue(dir.resolve("self"), "self", NodeTls.MANAGER_OU);
    SwarmTrustManager trust = new SwarmTrustManager(self, NodeTls.MANAGER_OU, Set.of());
    TestPki second = TestPki.create("cluster1");
    X509Certificate[] underSecond = chainOf(second.issue(dir.resolve("n"), "m2", NodeTls.MANAGER_OU));
    assertThatThrownBy(() -> trust.checkClientTrusted(underSecond, "UNKNOWN")).isInstanceOf(CertificateException.class);

    // Rotation: for a while the file holds both roots.
    Path ca = Path.of(self.caPath());
    Files.writeString(ca, Files.readString(ca) + Files.readString(Path.of(NodeTls.inDataDir(dir.resolve("n")).caPath())));
    Files.setLastModifiedTime(ca, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
    assertThatCode(() -> trust.checkClientTrusted(underSecond, "UNKNOWN")).doesNotThrowAnyException();
    assertThat(trust.getAcceptedIssuers()).hasSize(2);
  }

  @Test
  void theKeyManagerPresentsTheFallbackUntilTheFilesExistThenTheRenewedCertificate() throws Exception {
    TestPki pki = TestPki.create("cluster1");
    NodeTls files = NodeTls.inDataDir(dir.resolve("later"));
    NodeKeyManager.Identity bootstrap = new NodeKeyManager(pki.issue(dir.resolve("b"), "b", NodeTls.MANAGER_OU), Optional.empty()).current();
    NodeKeyManager keys = new NodeKeyManager(files, Optional.of(bootstrap));
    assertThat(keys.chooseEngineServerAlias("EC", null, null)).isEqualTo("bootstrap");
    assertThat(keys.getCertificateChain("bootstrap")).isEqualTo(bootstrap.chain());

    pki.issue(dir.resolve("later"), "n1", NodeTls.MANAGER_OU);
    String first = keys.chooseEngineClientAlias(new String[] {"EC"}, null, null);
    X509Certificate issued = keys.getCertificateChain(first)[0];
    assertThat(NodeTls.peerOf(issued).nodeId()).isEqualTo("n1");

    pki.issue(dir.resolve("later"), "n1", NodeTls.MANAGER_OU); // renewed
    Files.setLastModifiedTime(Path.of(files.certPath()), java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
    String second = keys.chooseEngineServerAlias("EC", null, null);
    assertThat(second).isNotEqualTo(first);
    assertThat(keys.getCertificateChain(second)[0]).isNotEqualTo(issued);
    assertThat(keys.getPrivateKey(second)).isNotNull();
  }
}
