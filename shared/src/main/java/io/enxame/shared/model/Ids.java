package io.enxame.shared.model;

import java.math.BigInteger;
import java.security.SecureRandom;

/** Object identifiers in swarmkit's form: 25 lowercase base-36 characters from 128 random bits. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String s = new BigInteger(1, bytes).toString(36);
    return "0".repeat(Math.max(0, 25 - s.length())) + s;
  }
}
