package io.enxame.secrets.pki;

import io.enxame.shared.tls.NodeTls;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RootCaTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void rootIsASelfSignedP256Ca() throws Exception {
    RootCa ca = RootCa.generate(NOW);
    X509Certificate root = ca.certificate();
    root.verify(root.getPublicKey());
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=swarm-ca");
    assertThat(((ECPublicKey) root.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(root.getNotAfter().toInstant()).isAfter(NOW.plus(Duration.ofDays(365L * 19)));
    // What is stored opens to the same CA.
    RootCa again = RootCa.of(ca.certPem(), ca.keyPkcs8());
    assertThat(again.certPem()).isEqualTo(ca.certPem());
  }

  @Test
  void issuesNodeCertificatesWithSwarmsSubjectAndOnlyTheCsrsKey() throws Exception {
    RootCa ca = RootCa.generate(NOW);
    KeyPair node = RootCa.newP256KeyPair();
    X509Certificate cert = ca.issue(Csrs.csr(node), "nodeid1", NodeTls.WORKER_OU, "clusterid1", Duration.ofDays(90), NOW);
    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getPublicKey()).isEqualTo(node.getPublic());
    X500Name subject = new X500Name(cert.getSubjectX500Principal().getName());
    assertThat(subject.toString()).contains("CN=nodeid1").contains("OU=swarm-worker").contains("O=clusterid1");
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList()).containsExactly("swarm-worker", "nodeid1");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void refusesABrokenCsr() throws Exception {
    RootCa ca = RootCa.generate(NOW);
    String csr = Csrs.csr(RootCa.newP256KeyPair());
    // Flip a character inside the base64 body: the signature (or the structure) no longer holds.
    int at = csr.indexOf('\n', 150) - 10;
    String tampered = csr.substring(0, at) + (csr.charAt(at) == 'A' ? 'B' : 'A') + csr.substring(at + 1);
    String broken = csr.replace("\n", "\n!");
    for (String bad : List.of("", "not pem", ca.certPem(), tampered, broken)) {
      assertThatThrownBy(() -> ca.issue(bad, "n", NodeTls.WORKER_OU, "c", Duration.ofDays(1), NOW))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
