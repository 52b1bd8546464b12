package io.enxame.gateway.swarm;

import java.security.SecureRandom;

/**
 * Join-token rotation. A token is {@code SWMTKN-1-<CA digest>-<secret>}; rotating keeps the CA
 * digest and draws a new secret. Tokens are minted with the cluster's PKI, so one that is not in
 * that form yet (no PKI) has nothing to rotate and stays as it is.
 */
public final class JoinTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

  private JoinTokens() {}

  public static String rotate(String token) {
    if (token == null || !token.startsWith("SWMTKN-1-")) return token;
    int cut = token.lastIndexOf('-');
    if (cut <= "SWMTKN-1-".length()) return token;
    return token.substring(0, cut + 1) + secret(25);
  }

  private static String secret(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    return sb.toString();
  }
}
