package io.enxame.store;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM under one key. Sealed form: version byte, 12-byte nonce, ciphertext with its 16-byte tag.
 * The associated data names what the bytes are ("log", "snapshot", "dek"), so one kind cannot be
 * passed off as another.
 *
 * <p>Nonces never repeat under a key: each sealer draws a random 64-bit prefix and counts the low
 * 32 bits; when the counter runs out it draws a new prefix. Several members sealing under the shared
 * cluster key each have their own prefix (a collision needs about 2^32 sealers).
 */
final class Sealer {
  static final int KEY_BYTES = 32;
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random;
  private long prefix;
  private long counter;

  Sealer(byte[] key, SecureRandom random) {
    if (key.length != KEY_BYTES) throw new IllegalArgumentException("AES-256 needs a 32-byte key");
    this.key = new SecretKeySpec(key, "AES");
    this.random = random;
    this.prefix = random.nextLong();
  }

  static byte[] newKey(SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return key;
  }

  byte[] seal(byte[] plain, String purpose) {
    byte[] nonce = nextNonce();
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Opens what {@link #seal} made with the same key and purpose; throws {@link SealException} on anything else. */
  byte[] open(byte[] sealed, String purpose) {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new SealException("not a sealed " + purpose + " record");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
      cipher.updateAAD(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SealException("the " + purpose + " record does not open under this key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private synchronized byte[] nextNonce() {
    if (counter == 1L << 32) {
      prefix = random.nextLong();
      counter = 0;
    }
    return ByteBuffer.allocate(NONCE_BYTES).putLong(prefix).putInt((int) counter++).array();
  }

  /** The bytes were not sealed under this key for this purpose: a wrong key, or tampering. */
  static final class SealException extends RuntimeException {
    SealException(String message) { super(message); }
  }
}
