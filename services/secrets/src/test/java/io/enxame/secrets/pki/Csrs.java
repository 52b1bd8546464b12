package io.enxame.secrets.pki;

import java.security.KeyPair;

/** A node's CSR for a key pair the test keeps, as a joining node makes it. */
final class Csrs {
  private Csrs() {}

  static String csr(KeyPair pair) {
    return NodeKeys.of(pair).csrPem();
  }
}
