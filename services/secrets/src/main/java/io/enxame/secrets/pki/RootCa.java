package io.enxame.secrets.pki;

import io.enxame.shared.tls.NodeTls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The swarm's root CA, as swarmkit makes it: an ECDSA P-256 key and a self-signed certificate with CN
 * {@code swarm-ca}, valid 20 years; or a root the user gave ({@link GivenRoot}: ECDSA P-256/P-384/P-521 or RSA of
 * 2048 bits or more), which signs with the digest cfssl picks for its key. It signs node certificates from CSRs taking only the public key from the
 * request: subject CN = node ID, OU = role ({@code swarm-worker}/{@code swarm-manager}), O = cluster ID, DNS names
 * the role and the node ID, usable for client and server auth, backdated an hour against clock skew.
 */
public final class RootCa {
  public static final String ROOT_CN = "swarm-ca";
  public static final String BUS_CN = "swarm-bus-ca";
  static final Duration ROOT_VALIDITY = Duration.ofDays(365L * 20);
  static final Duration BACKDATE = NodeTls.CERT_BACKDATE;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate cert;
  private final PrivateKey key;
  private final String certPem;

  private RootCa(X509Certificate cert, PrivateKey key) {
    this.cert = cert;
    this.key = key;
    this.certPem = Pem.encode(cert);
  }

  /** Blocking (key generation). */
  public static RootCa generate(Instant now) {
    try {
      KeyPair pair = newP256KeyPair();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, ROOT_CN).build();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(ROOT_VALIDITY)), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
      return new RootCa(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the root CA", e);
    }
  }

  /** A root whose certificate and key were checked to match ({@link GivenRoot}). */
  static RootCa of(X509Certificate cert, PrivateKey key) {
    return new RootCa(cert, key);
  }

  /** The CA as stored: its certificate PEM and its private key in PKCS#8 DER (any algorithm {@link GivenRoot} accepts). */
  public static RootCa of(String certPem, byte[] pkcs8Key) {
    try {
      return new RootCa(Pem.certificate(certPem), Pem.privateKey(PrivateKeyInfo.getInstance(pkcs8Key)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a root CA key: " + e.getMessage(), e);
    }
  }

  public String certPem() { return certPem; }

  public X509Certificate certificate() { return cert; }

  /** PKCS#8 DER of the private key: only ever to be sealed. */
  public byte[] keyPkcs8() { return key.getEncoded(); }

  /** Docker's {@code TLSInfo.CertIssuerSubject}: the DER subject, base64. */
  public String issuerSubject() { return Base64.getEncoder().encodeToString(cert.getSubjectX500Principal().getEncoded()); }

  /** Docker's {@code TLSInfo.CertIssuerPublicKey}: the DER SubjectPublicKeyInfo, base64. */
  public String issuerPublicKey() { return Base64.getEncoder().encodeToString(cert.getPublicKey().getEncoded()); }

  /**
   * Blocking: signs a node certificate for the CSR's key. Refuses ({@link IllegalArgumentException}) a CSR that is
   * malformed, whose signature does not verify, or whose key is not an EC key.
   */
  public X509Certificate issue(String csrPem, String nodeId, String role, String organization, Duration validity, Instant now) {
    return issue(csrPem, nodeId, role, organization, validity, now, List.of());
  }

  /** As {@link #issue}, with IP addresses among the names (a TLS server reached by IP, like the gateway's 2376). */
  public X509Certificate issue(String csrPem, String nodeId, String role, String organization, Duration validity, Instant now,
      List<String> ipAddresses) {
    PKCS10CertificationRequest csr = Pem.csr(csrPem);
    PublicKey publicKey;
    try {
      if (!X9ObjectIdentifiers.id_ecPublicKey.equals(csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm())) {
        throw new IllegalArgumentException("invalid certificate signing request: the key must be ECDSA");
      }
      publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
        throw new IllegalArgumentException("invalid certificate signing request: bad signature");
      }
    } catch (GeneralSecurityException | OperatorCreationException | PKCSException | java.io.IOException e) {
      throw new IllegalArgumentException("invalid certificate signing request: " + e.getMessage(), e);
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, organization).addRDN(BCStyle.OU, role).addRDN(BCStyle.CN, nodeId).build();
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(cert, serial(), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(validity)), subject, publicKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(names(role, nodeId, ipAddresses)))
          .addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyIdentifier()));
      return sign(builder, key);
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a node certificate", e);
    }
  }

  /**
   * Blocking: a new CA for the control plane's clustered bus, signed by this root, which signs leaves only (path
   * length 0). Peers on the bus trust it alone, so a worker's certificate or a user's, which the root signs, is no
   * bus identity. It lives as long as a root, within this root's validity.
   */
  public RootCa issueBusCa(String organization, Instant now) {
    try {
      KeyPair pair = newP256KeyPair();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, organization).addRDN(BCStyle.CN, BUS_CN).build();
      Date notAfter = Date.from(now.plus(ROOT_VALIDITY));
      if (notAfter.after(cert.getNotAfter())) notAfter = cert.getNotAfter();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(cert, serial(), Date.from(now.minus(BACKDATE)), notAfter,
          subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyIdentifier()));
      return new RootCa(sign(builder, key), pair.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the bus CA", e);
    }
  }

  /**
   * Blocking: the new root's certificate signed by this root (swarmkit's cross-signed CA certificate for a root
   * rotation). Same subject, key, key identifier and validity as {@code next}, so a leaf signed by the new key chains to
   * this root through it, for peers that still trust only this root; peers trusting the new root stop at it.
   */
  public X509Certificate crossSign(RootCa next) {
    X509Certificate n = next.certificate();
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(cert, serial(), n.getNotBefore(), n.getNotAfter(),
          n.getSubjectX500Principal(), n.getPublicKey())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(next.keyIdentifier()))
          .addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyIdentifier()));
      return sign(builder, key);
    } catch (Exception e) {
      throw new IllegalStateException("cannot cross-sign the new root CA", e);
    }
  }

  /**
   * The key identifier certificates this root signs name as their authority's: the root's own subject key identifier,
   * or, when a given root has none, the SHA-1 of its key (RFC 5280's first method). Only the identifier, never the
   * issuer and serial, so that the cross-signed certificate (another serial) matches too.
   */
  byte[] keyIdentifier() {
    byte[] extension = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    try {
      return extension != null ? ASN1OctetString.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension)).getOctets()
          : new JcaX509ExtensionUtils().createSubjectKeyIdentifier(cert.getPublicKey()).getKeyIdentifier();
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the root's key identifier", e);
    }
  }

  /** A fresh P-256 key pair (node keys are made the same way). */
  public static KeyPair newP256KeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm(key)).build(key)));
  }

  /** cfssl's {@code DefaultSigAlgo}, which swarmkit signs with: SHA-256 for RSA and P-256, SHA-384 for P-384, SHA-512 for P-521. */
  static String signatureAlgorithm(PrivateKey key) {
    if (key instanceof ECPrivateKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    if ("RSA".equals(key.getAlgorithm())) return "SHA256withRSA";
    throw new IllegalArgumentException("unknown or unsupported certificate public key algorithm");
  }

  private static GeneralName[] names(String role, String nodeId, List<String> ipAddresses) {
    List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, role), new GeneralName(GeneralName.dNSName, nodeId)));
    for (String ip : ipAddresses) names.add(new GeneralName(GeneralName.iPAddress, ip));
    return names.toArray(GeneralName[]::new);
  }

  private static BigInteger serial() { return new BigInteger(127, RANDOM); }
}
