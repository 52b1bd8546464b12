package io.enxame.secrets.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.security.KeyPair;

/** A node's key and CSR, as a joining node makes them. */
final class Csrs {
  private Csrs() {}

  static String csr(KeyPair pair) throws Exception {
    return Pem.encode(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=whatever-the-node-asks"), pair.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
  }
}
