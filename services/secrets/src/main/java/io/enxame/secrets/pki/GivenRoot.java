package io.enxame.secrets.pki;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * A root CA the user gives ({@code docker swarm ca --rotate --ca-cert --ca-key}), checked as swarmkit's
 * {@code validateCAConfig} and {@code ca.NewRootCA} check it, with their wording: one self-signed CA certificate with a
 * signature algorithm Swarm accepts, valid now and for at least a year more, and an unencrypted key that matches it,
 * ECDSA on P-256, P-384 or P-521 or RSA of 2048 bits or more (JDK and Bouncy Castle sign with all of these; the
 * digest follows cfssl, {@link RootCa#signatureAlgorithm}). Swarmkit lets a certificate that is not a CA through when
 * it is its own root; here it is refused, since the JDK's path validation would then refuse every certificate it
 * signs. Anything refused is an {@link IllegalArgumentException} whose message is the {@code desc} of swarmkit's error.
 */
public final class GivenRoot {
  static final Duration MIN_REMAINING = Duration.ofDays(365); // swarmkit's minRootExpiration (helpers.OneYear)
  private static final Set<String> SIGNATURE_ALGORITHMS = Set.of("SHA256withRSA", "SHA384withRSA", "SHA512withRSA",
      "SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA");
  private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(X9ObjectIdentifiers.prime256v1, SECObjectIdentifiers.secp384r1,
      SECObjectIdentifiers.secp521r1);

  private GivenRoot() {}

  /** Blocking (signature checks). */
  public static RootCa check(String certPem, String keyPem, Instant now) {
    List<X509Certificate> certs;
    try {
      certs = Pem.certificates(certPem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid root certificates: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) throw new IllegalArgumentException("no valid root CA certificates found");
    for (X509Certificate cert : certs) checkRoot(cert, now);
    X509Certificate cert = certs.get(0);
    PrivateKey key;
    try {
      key = Pem.privateKey(keyPem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed private key: " + e.getMessage(), e);
    }
    checkKeyMatches(cert.getPublicKey(), key);
    if (certs.size() != 1) throw new IllegalArgumentException("the desired CA certificate cannot contain multiple certificates");
    if (cert.getNotAfter().toInstant().isBefore(now.plus(MIN_REMAINING))) throw new IllegalArgumentException("CA certificate expires too soon");
    return RootCa.of(cert, key);
  }

  private static void checkRoot(X509Certificate cert, Instant now) {
    if (!SIGNATURE_ALGORITHMS.contains(cert.getSigAlgName())) {
      throw new IllegalArgumentException("unsupported signature algorithm: " + cert.getSigAlgName());
    }
    String invalid = "error while validating Root CA Certificate: ";
    try {
      cert.checkValidity(Date.from(now));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      boolean expired = e instanceof CertificateExpiredException;
      throw new IllegalArgumentException(invalid + "x509: certificate has expired or is not yet valid: current time "
          + DateTimeFormatter.ISO_INSTANT.format(now) + " is " + (expired ? "after " : "before ")
          + DateTimeFormatter.ISO_INSTANT.format((expired ? cert.getNotAfter() : cert.getNotBefore()).toInstant()));
    }
    try {
      if (!cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal())) throw new GeneralSecurityException();
      cert.verify(cert.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(invalid + "the certificate is not self-signed (x509: certificate signed by unknown authority)");
    }
    boolean[] usage = cert.getKeyUsage();
    if (cert.getBasicConstraints() < 0 || (usage != null && !usage[5])) {
      throw new IllegalArgumentException(invalid + "it is not a CA certificate (it needs basic constraints CA:TRUE"
          + " and, if it has a key usage, certificate signing)");
    }
  }

  /** swarmkit's {@code ensureCertKeyMatch}: the certificate's key must be one Swarm signs with, and the private key its own. */
  private static void checkKeyMatches(PublicKey certKey, PrivateKey key) {
    if (certKey instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048 || rsa.getPublicExponent().intValue() == 1) {
        throw new IllegalArgumentException("unsupported RSA key parameters");
      }
    } else if (certKey instanceof ECPublicKey) {
      if (!CURVES.contains(SubjectPublicKeyInfo.getInstance(certKey.getEncoded()).getAlgorithm().getParameters())) {
        throw new IllegalArgumentException("unsupported ECDSA key parameters");
      }
    } else {
      throw new IllegalArgumentException("unknown or unsupported certificate public key algorithm");
    }
    if (!certKey.getAlgorithm().equals(key.getAlgorithm()) || !signs(key, certKey)) {
      throw new IllegalArgumentException("certificate key mismatch");
    }
  }

  /** Whether the private key's signature verifies under the public key: true exactly when they are one pair. */
  private static boolean signs(PrivateKey key, PublicKey publicKey) {
    try {
      byte[] probe = "enxame root key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      String algorithm = RootCa.signatureAlgorithm(key);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signer.sign());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
