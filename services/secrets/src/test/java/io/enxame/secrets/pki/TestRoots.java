package io.enxame.secrets.pki;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Roots as a user would bring them to {@code docker swarm ca --rotate --ca-cert --ca-key}, made with Bouncy Castle. */
final class TestRoots {
  private TestRoots() {}

  static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  /** A self-signed CA certificate, valid from an hour ago for {@code validity}. */
  static X509Certificate root(KeyPair pair, String cn, Instant now, Duration validity) throws Exception {
    return certificate(pair, cn, now.minus(Duration.ofHours(1)), now.plus(validity), true, pair.getPrivate());
  }

  static X509Certificate certificate(KeyPair pair, String cn, Instant notBefore, Instant notAfter, boolean ca, PrivateKey signer)
      throws Exception {
    X500Name name = new X500Name("CN=" + cn);
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime()),
        Date.from(notBefore), Date.from(notAfter), name, pair.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
        .addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder(RootCa.signatureAlgorithm(signer)).build(signer)));
  }

  /** The key as openssl writes it by default: PKCS#8 {@code PRIVATE KEY}. */
  static String pkcs8(PrivateKey key) throws Exception {
    return Pem.encode(new JcaPKCS8Generator(key, null));
  }

  /** The key in its traditional form, as {@code openssl ecparam -genkey} or {@code genrsa -traditional} write it. */
  static String traditional(PrivateKey key) throws Exception {
    if (!(key instanceof java.security.interfaces.ECPrivateKey ec)) return Pem.encode(key); // RSA PRIVATE KEY (PKCS#1)
    // EC PRIVATE KEY (SEC 1) naming its curve, which the JDK's PKCS#8 form keeps outside.
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    ECPrivateKey sec1 = new ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(), info.getPrivateKeyAlgorithm().getParameters());
    return Pem.encode(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
  }
}
