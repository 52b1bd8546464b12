package io.enxame.shared.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * PEM files read with the JDK alone, for TLS stacks that take key and trust managers rather than paths (Ratis's
 * gRPC, the clustered event bus): certificates ({@code CERTIFICATE} blocks, a bundle may hold several) and a
 * PKCS#8 EC key ({@code PRIVATE KEY}), the forms the swarm's CA writes.
 */
final class NodeKeyMaterial {
  private NodeKeyMaterial() {}

  static List<X509Certificate> certificates(Path file) throws IOException {
    try {
      Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
      if (all.isEmpty()) throw new IOException(file + " holds no certificate");
      return all.stream().map(X509Certificate.class::cast).toList();
    } catch (GeneralSecurityException e) {
      throw new IOException("unreadable certificate in " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether the key is the certificate's: a signature made with it verifies with the certificate's public key. */
  static boolean matches(PrivateKey key, X509Certificate cert) {
    try {
      byte[] probe = "enxame-key-probe".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static PrivateKey privateKey(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) throw new IOException(file + " holds no PKCS#8 private key");
    String body = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("unreadable private key in " + file + ": " + e.getMessage(), e);
    }
  }
}
