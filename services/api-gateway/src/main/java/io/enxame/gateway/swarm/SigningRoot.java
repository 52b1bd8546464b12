package io.enxame.gateway.swarm;

import io.enxame.shared.bus.Failures;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * The root a swarm update gives ({@code docker swarm ca --rotate --ca-cert --ca-key}: {@code Spec.CAConfig.SigningCACert}
 * and {@code SigningCAKey}, PEM). It is taken out of the spec before anything is stored: the key travels to the secrets
 * service sealed and is kept only sealed there, and neither field is ever stored in the cluster object, so
 * {@code GET /swarm} shows neither (swarmkit redacts both too) and a later update the CLI makes from what it read does
 * not carry them back.
 */
record SigningRoot(String cert, String key) {
  static final String KEY_WITHOUT_CERT = "if a signing CA key is provided, the signing CA cert must also be provided";
  /** swarmkit's answer to a certificate without its key: only an external CA could sign for it, and there is none. */
  static final String CERT_WITHOUT_KEY = "there must be at least one valid, reachable external CA corresponding to the desired CA"
      + " certificate";

  /** Removes both fields from {@code spec} (the request) and returns them when a certificate is given. */
  static Optional<SigningRoot> take(JsonObject spec) {
    JsonObject ca = spec.getValue("CAConfig") instanceof JsonObject o ? o : null;
    if (ca == null) return Optional.empty();
    String cert = text(ca.remove("SigningCACert"));
    String key = text(ca.remove("SigningCAKey"));
    if (cert.isEmpty() && !key.isEmpty()) throw Failures.invalidArgument(KEY_WITHOUT_CERT);
    if (cert.isEmpty()) return Optional.empty();
    if (key.isEmpty()) throw Failures.invalidArgument(CERT_WITHOUT_KEY);
    return Optional.of(new SigningRoot(cert, key));
  }

  private static String text(Object value) {
    return value instanceof String s ? s.trim() : "";
  }

  @Override
  public String toString() { return "SigningRoot[cert]"; } // never the key, should this end up in a log line
}
