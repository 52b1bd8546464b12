package io.enxame.secrets.pki;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/** PEM text in and out, with Bouncy Castle's reader and writer. Malformed input is an {@link IllegalArgumentException}. */
public final class Pem {
  private Pem() {}

  /** A certificate, CSR or key ({@code JcaPKCS8Generator} for PKCS#8) as PEM text. */
  public static String encode(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  public static X509Certificate certificate(String pem) {
    try {
      return new JcaX509CertificateConverter().getCertificate(read(pem, X509CertificateHolder.class, "certificate"));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid certificate: " + e.getMessage(), e);
    }
  }

  public static PKCS10CertificationRequest csr(String pem) {
    return read(pem, PKCS10CertificationRequest.class, "certificate signing request");
  }

  /** The first certificate of each PEM block, in order (what swarmkit's {@code ParseCertificatesPEM} reads). */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> certs = new ArrayList<>();
    if (pem == null) return certs;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (!(o instanceof X509CertificateHolder holder)) throw new IllegalArgumentException("a PEM block is not a certificate");
        certs.add(new JcaX509CertificateConverter().getCertificate(holder));
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) throw iae;
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return certs;
  }

  /**
   * An unencrypted private key in PEM: PKCS#8 ({@code PRIVATE KEY}), SEC 1 ({@code EC PRIVATE KEY}) or PKCS#1
   * ({@code RSA PRIVATE KEY}), as Go's {@code ParsePrivateKeyPEM} reads them.
   */
  public static PrivateKey privateKey(String pem) {
    if (pem == null) throw new IllegalArgumentException("missing private key");
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (o instanceof PEMKeyPair pair) return privateKey(pair.getPrivateKeyInfo());
      if (o instanceof PrivateKeyInfo info) return privateKey(info);
      if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) throw new IllegalArgumentException("the key is encrypted");
      throw new IllegalArgumentException("no private key PEM block");
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) throw iae;
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A PKCS#8 key as a JDK key (no Bouncy Castle provider is registered): ECDSA or RSA. */
  public static PrivateKey privateKey(PrivateKeyInfo info) {
    ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
    String jca = X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm) ? "EC"
        : PKCSObjectIdentifiers.rsaEncryption.equals(algorithm) ? "RSA" : null;
    if (jca == null) throw new IllegalArgumentException("unknown or unsupported private key algorithm " + algorithm);
    try {
      return KeyFactory.getInstance(jca).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static <T> T read(String pem, Class<T> type, String what) {
    if (pem == null) throw new IllegalArgumentException("missing " + what);
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (!type.isInstance(o)) throw new IllegalArgumentException("invalid " + what + ": no PEM block of that type");
      return type.cast(o);
    } catch (IOException | RuntimeException e) { // Bouncy Castle reports bad base64 unchecked
      if (e instanceof IllegalArgumentException iae) throw iae;
      throw new IllegalArgumentException("invalid " + what + ": " + e.getMessage(), e);
    }
  }
}
