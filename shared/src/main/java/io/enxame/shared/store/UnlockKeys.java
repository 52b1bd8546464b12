package io.enxame.shared.store;

import io.enxame.shared.bus.Failures;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The manager unlock key in swarmkit's human-readable form: {@code SWMKEY-1-} followed by 32 random
 * bytes in unpadded base64. The gateway makes one when autolock is turned on or the key rotated;
 * the cluster object keeps it under {@link #FIELD} (never shown by {@code GET /swarm}), and every
 * raft-manager derives its key-encryption key from it.
 */
public final class UnlockKeys {
  private UnlockKeys() {}

  /** The cluster object's field holding the current unlock key; absent while autolock is off. */
  public static final String FIELD = "UnlockKey";
  private static final String PREFIX = "SWMKEY-1-";
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  public static String generate() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(key);
  }

  /** The key's bytes; a malformed key is a 400 with swarmkit's wording. */
  public static byte[] parse(String key) {
    if (key == null || !key.startsWith(PREFIX)) throw Failures.badRequest("invalid key string");
    try {
      byte[] bytes = Base64.getDecoder().decode(key.substring(PREFIX.length()));
      if (bytes.length != KEY_BYTES) throw Failures.badRequest("invalid key string");
      return bytes;
    } catch (IllegalArgumentException e) {
      throw Failures.badRequest("invalid key string");
    }
  }
}
