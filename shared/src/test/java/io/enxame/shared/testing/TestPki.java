package io.enxame.shared.testing;

import io.enxame.shared.tls.NodeTls;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away swarm CA for tests of components that take node certificates (the real CA is the secrets service's
 * {@code RootCa}): node certificates in swarmkit's form (CN node ID, OU role, O cluster ID) written where
 * {@link NodeTls#inDataDir} looks.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1);
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final String clusterId;

  private TestPki(KeyPair caKeys, X509Certificate ca, String clusterId) {
    this.caKeys = caKeys;
    this.ca = ca;
    this.clusterId = clusterId;
  }

  public static TestPki create(String clusterId) {
    try {
      KeyPair keys = p256();
      X500Name name = new X500Name("CN=swarm-ca");
      Instant now = Instant.now();
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
          BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(now.minusSeconds(3600)), Date.from(now.plus(Duration.ofDays(365))),
          name, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      return new TestPki(keys, cert, clusterId);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate root() { return ca; }

  /** A node certificate valid from {@code notBefore} to {@code notAfter}, written to {@code dataDir}'s certificates folder. */
  public NodeTls issue(Path dataDir, String nodeId, String role, Instant notBefore, Instant notAfter) {
    try {
      KeyPair keys = p256();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
          .addRDN(BCStyle.O, clusterId).addRDN(BCStyle.OU, role).addRDN(BCStyle.CN, nodeId).build();
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(ca,
          BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
      NodeTls tls = NodeTls.inDataDir(dataDir);
      Files.createDirectories(Path.of(tls.certPath()).getParent());
      Files.writeString(Path.of(tls.caPath()), pem(ca));
      Files.writeString(Path.of(tls.keyPath()), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
      Files.writeString(Path.of(tls.certPath()), pem(cert));
      return tls;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A node certificate valid for a day. */
  public NodeTls issue(Path dataDir, String nodeId, String role) {
    Instant now = Instant.now();
    return issue(dataDir, nodeId, role, now.minusSeconds(3600), now.plus(Duration.ofDays(1)));
  }

  private static KeyPair p256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(o);
    }
    return out.toString();
  }
}
