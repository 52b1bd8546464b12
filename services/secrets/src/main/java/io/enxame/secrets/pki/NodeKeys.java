package io.enxame.secrets.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.security.KeyPair;

/**
 * A node's side of joining: a fresh P-256 key (PKCS#8 PEM, the form Vert.x and Docker's CLI both read) and a CSR
 * for it. The CSR's subject is not trusted: the CA names the node itself.
 */
public record NodeKeys(String keyPem, String csrPem) {
  /** Blocking (key generation). */
  public static NodeKeys generate() {
    try {
      return of(RootCa.newP256KeyPair());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a node key", e);
    }
  }

  /** The PEM forms and a CSR for a key pair. */
  public static NodeKeys of(KeyPair pair) {
    try {
      String csr = Pem.encode(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=swarm-node"), pair.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new NodeKeys(Pem.encode(new JcaPKCS8Generator(pair.getPrivate(), null)), csr);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a node key", e);
    }
  }
}
