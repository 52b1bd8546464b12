package io.enxame.secrets.pki;

import io.enxame.shared.tls.NodeTls;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each root swarmkit accepts signs node certificates that the JDK's PKIX accepts; each it refuses is refused with its words. */
class GivenRootTest {
  private static final Instant NOW = Instant.now();
  private static final Duration YEARS = Duration.ofDays(3650);

  @Test
  void acceptsTheKeyTypesSwarmSignsWithAndTheirCertificatesValidate() throws Exception {
    RootCa current = RootCa.generate(NOW);
    for (KeyPair pair : List.of(TestRoots.ec("secp256r1"), TestRoots.ec("secp384r1"), TestRoots.ec("secp521r1"), TestRoots.rsa(2048))) {
      X509Certificate cert = TestRoots.root(pair, "user-root", NOW, YEARS);
      for (String key : List.of(TestRoots.pkcs8(pair.getPrivate()), TestRoots.traditional(pair.getPrivate()))) {
        RootCa given = GivenRoot.check(Pem.encode(cert), key, NOW);
        assertThat(given.certificate()).isEqualTo(cert);
        // Stored as PKCS#8 and opened again, it signs; a leaf validates under it, and through the cross-signed link under the old root.
        RootCa stored = RootCa.of(given.certPem(), given.keyPkcs8());
        X509Certificate leaf = stored.issue(Csrs.csr(RootCa.newP256KeyPair()), "node1", NodeTls.WORKER_OU, "cluster1", Duration.ofDays(90), NOW);
        validate(List.of(leaf), cert);
        validate(List.of(leaf, current.crossSign(stored)), current.certificate());
      }
    }
  }

  @Test
  void refusesWhatSwarmRefusesWithItsWording() throws Exception {
    KeyPair pair = TestRoots.ec("secp256r1");
    X509Certificate good = TestRoots.root(pair, "user-root", NOW, YEARS);
    String goodPem = Pem.encode(good);
    String key = TestRoots.pkcs8(pair.getPrivate());
    KeyPair other = TestRoots.ec("secp256r1");
    KeyPair weakRsa = TestRoots.rsa(1024);
    KeyPair ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

    refused(goodPem.replace("\n", "\n!"), key, "invalid root certificates: ");
    refused("", key, "no valid root CA certificates found");
    refused("garbage", key, "no valid root CA certificates found");
    refused(goodPem, "not a key", "malformed private key: ");
    refused(goodPem, TestRoots.pkcs8(other.getPrivate()), "certificate key mismatch");
    refused(goodPem, TestRoots.traditional(TestRoots.rsa(2048).getPrivate()), "certificate key mismatch");
    refused(goodPem + goodPem, key, "the desired CA certificate cannot contain multiple certificates");
    refused(Pem.encode(TestRoots.root(pair, "short", NOW, Duration.ofDays(200))), key, "CA certificate expires too soon");
    refused(Pem.encode(TestRoots.certificate(pair, "old", NOW.minus(YEARS), NOW.minus(Duration.ofDays(1)), true, pair.getPrivate())), key,
        "error while validating Root CA Certificate: x509: certificate has expired or is not yet valid: current time");
    refused(Pem.encode(TestRoots.certificate(pair, "future", NOW.plus(Duration.ofDays(1)), NOW.plus(YEARS), true, pair.getPrivate())), key,
        "error while validating Root CA Certificate: x509: certificate has expired or is not yet valid: current time");
    refused(Pem.encode(TestRoots.certificate(pair, "leaf", NOW.minus(Duration.ofHours(1)), NOW.plus(YEARS), false, pair.getPrivate())), key,
        "error while validating Root CA Certificate: it is not a CA certificate");
    refused(Pem.encode(TestRoots.certificate(pair, "signed-by-another", NOW.minus(Duration.ofHours(1)), NOW.plus(YEARS), true, other.getPrivate())), key,
        "error while validating Root CA Certificate: the certificate is not self-signed");
    refused(Pem.encode(TestRoots.root(weakRsa, "weak", NOW, YEARS)), TestRoots.pkcs8(weakRsa.getPrivate()), "unsupported RSA key parameters");
    refused(Pem.encode(edRoot(ed)), TestRoots.pkcs8(ed.getPrivate()), "unsupported signature algorithm: Ed25519");
  }

  private static X509Certificate edRoot(KeyPair ed) throws Exception {
    org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=ed");
    return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE, Date.from(NOW.minus(Duration.ofHours(1))),
            Date.from(NOW.plus(YEARS)), name, ed.getPublic())
            .addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true))
            .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("Ed25519").build(ed.getPrivate())));
  }

  private static void refused(String cert, String key, String message) {
    assertThatThrownBy(() -> GivenRoot.check(cert, key, NOW)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  private static void validate(List<X509Certificate> chain, X509Certificate anchor) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(NOW));
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }
}
