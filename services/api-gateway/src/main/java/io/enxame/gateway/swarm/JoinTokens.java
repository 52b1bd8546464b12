package io.enxame.gateway.swarm;

import io.enxame.shared.tls.JoinToken;

/**
 * Join-token rotation: the same CA digest with a new secret ({@link JoinToken#rotate}). The secrets service mints
 * the tokens with the cluster's root CA; a token not in Swarm's form (no PKI yet) has nothing to rotate and stays.
 */
public final class JoinTokens {
  private JoinTokens() {}

  public static String rotate(String token) {
    return JoinToken.rotate(token).orElse(token);
  }
}
