package io.enxame.shared.tls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Swarm's join tokens, as swarmkit's {@code ca.GenerateJoinToken}: {@code SWMTKN-1-<digest>-<secret>}, where
 * digest is the SHA-256 of the root CA certificate's PEM written in base 36 and zero-padded to 50 characters, and
 * secret is 16 random bytes in base 36 padded to 25. A joining node pins the CA by the digest; the manager admits it
 * by the whole token, whose role is whichever of the cluster's two tokens it equals.
 */
public final class JoinToken {
  public static final String INVALID = "invalid join token";
  /** swarmkit's refusal of a token that is not one of the cluster's current two. */
  public static final String INVALID_FOR_CLUSTER = "A valid join token is necessary to join this cluster";
  private static final String PREFIX = "SWMTKN-1-";
  private static final int DIGEST_LENGTH = 50; // ceil(log36(2^256))
  private static final int SECRET_LENGTH = 25; // ceil(log36(2^128))
  private static final SecureRandom RANDOM = new SecureRandom();

  private JoinToken() {}

  /** A new token for the CA whose certificate PEM is given. */
  public static String generate(String caCertPem) {
    return PREFIX + digestPart(caCertPem) + "-" + newSecret();
  }

  /** The same CA digest with a new secret: what {@code --rotate} does. Malformed tokens are replaced by nothing. */
  public static Optional<String> rotate(String token) {
    return digestHex(token).map(hex -> PREFIX + pad(new BigInteger(hex, 16).toString(36), DIGEST_LENGTH) + "-" + newSecret());
  }

  /** The hex SHA-256 the token pins, or empty when the token is not in Swarm's form. */
  public static Optional<String> digestHex(String token) {
    if (token == null) return Optional.empty();
    String[] parts = token.split("-", -1);
    if (parts.length != 4 || !parts[0].equals("SWMTKN") || !parts[1].equals("1")) return Optional.empty();
    if (!parts[2].matches("[0-9a-z]{1,50}") || !parts[3].matches("[0-9a-z]{1,25}")) return Optional.empty();
    return Optional.of(pad(new BigInteger(parts[2], 36).toString(16), 64));
  }

  /** The hex SHA-256 of a CA certificate's PEM, as the token carries it. */
  public static String caDigestHex(String caCertPem) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(caCertPem.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the token pins this CA certificate. */
  public static boolean pins(String token, String caCertPem) {
    return digestHex(token).map(caDigestHex(caCertPem)::equals).orElse(false);
  }

  private static String digestPart(String caCertPem) {
    return pad(new BigInteger(caDigestHex(caCertPem), 16).toString(36), DIGEST_LENGTH);
  }

  private static String newSecret() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return pad(new BigInteger(1, bytes).toString(36), SECRET_LENGTH);
  }

  private static String pad(String s, int length) {
    return "0".repeat(Math.max(0, length - s.length())) + s;
  }
}
