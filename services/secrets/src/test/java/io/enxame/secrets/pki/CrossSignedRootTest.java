package io.enxame.secrets.pki;

import io.enxame.shared.tls.NodeTls;
import io.enxame.shared.tls.NodeTlsInfo;
import io.enxame.shared.tls.SwarmTrustManager;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A root rotation's chains, checked by the trust manager every TLS user of a node has: a certificate from the new key
 * with the cross-signed certificate is trusted by a node that still trusts only the old root, by one trusting both and
 * by one trusting only the new root; one from the old root is refused once only the new root is trusted.
 */
class CrossSignedRootTest {
  @TempDir Path dir;

  @Test
  void crossSignedChainsAreTrustedThroughoutARotation() throws Exception {
    Instant now = Instant.now();
    RootCa old = RootCa.generate(now);
    RootCa next = RootCa.generate(now);
    X509Certificate cross = old.crossSign(next);
    cross.verify(old.certificate().getPublicKey());
    assertThat(cross.getSubjectX500Principal()).isEqualTo(next.certificate().getSubjectX500Principal());
    assertThat(cross.getPublicKey()).isEqualTo(next.certificate().getPublicKey());
    assertThat(cross.getBasicConstraints()).isGreaterThanOrEqualTo(0);

    X509Certificate[] rotated = {issue(next), cross};
    X509Certificate[] before = {issue(old)};
    assertThat(trusts(old.certPem(), rotated)).isTrue();
    assertThat(trusts(old.certPem() + next.certPem(), rotated)).isTrue();
    assertThat(trusts(next.certPem(), rotated)).isTrue();
    assertThat(trusts(next.certPem(), new X509Certificate[] {rotated[0]})).isTrue();
    assertThat(trusts(old.certPem() + next.certPem(), before)).isTrue();
    assertThat(trusts(next.certPem(), before)).isFalse();
    assertThat(trusts(old.certPem(), new X509Certificate[] {rotated[0]})).isFalse();
  }

  @Test
  void tlsInfoNamesTheKeyThatSignedTheCertificate() throws Exception {
    Instant now = Instant.now();
    RootCa old = RootCa.generate(now);
    RootCa next = RootCa.generate(now);
    NodeTls files = new NodeTls(dir.resolve("ca.pem").toString(), dir.resolve("cert.pem").toString(), dir.resolve("key.pem").toString());
    Files.writeString(Path.of(files.caPath()), old.certPem());
    Files.writeString(Path.of(files.certPath()), Pem.encode(issue(next)) + Pem.encode(old.crossSign(next)));
    JsonObject info = NodeTlsInfo.read(files);
    assertThat(info.getString("TrustRoot")).isEqualTo(old.certPem());
    assertThat(info.getString("CertIssuerPublicKey")).isEqualTo(next.issuerPublicKey());
    assertThat(info.getString("CertIssuerSubject")).isEqualTo(next.issuerSubject());
    Files.writeString(Path.of(files.certPath()), Pem.encode(issue(old)));
    assertThat(NodeTlsInfo.read(files).getString("CertIssuerPublicKey")).isEqualTo(old.issuerPublicKey());
  }

  private static X509Certificate issue(RootCa ca) throws Exception {
    return ca.issue(Csrs.csr(RootCa.newP256KeyPair()), "node1", NodeTls.WORKER_OU, "cluster1", Duration.ofDays(1), Instant.now());
  }

  private boolean trusts(String caFile, X509Certificate[] chain) throws Exception {
    Path ca = Files.createTempFile(dir, "ca", ".pem");
    Files.writeString(ca, caFile);
    SwarmTrustManager trust = new SwarmTrustManager(new NodeTls(ca.toString(), "unused", "unused"), null, Set.of());
    try {
      trust.checkServerTrusted(chain, "ECDHE_ECDSA");
      trust.checkClientTrusted(chain, "EC");
      return true;
    } catch (CertificateException e) {
      return false;
    }
  }
}
