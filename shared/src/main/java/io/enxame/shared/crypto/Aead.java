package io.enxame.shared.crypto;

import io.vertx.core.json.JsonObject;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * AES-256-GCM (Bouncy Castle) with a fresh 96-bit nonce per message and a 128-bit tag. A sealed message is
 * the JSON {@code {"Nonce": b64, "Ciphertext": b64}}; the associated data binds it to what it belongs to
 * (an object id), so a ciphertext moved to another object does not open.
 */
public final class Aead {
  public static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Aead() {}

  public static byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  public static JsonObject seal(byte[] key, byte[] plaintext, String aad) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] ct = run(true, key, nonce, plaintext, aad);
    return new JsonObject().put("Nonce", b64(nonce)).put("Ciphertext", b64(ct));
  }

  /** Opens a sealed message; a wrong key, a changed byte or other associated data fail with {@link SealException}. */
  public static byte[] open(byte[] key, JsonObject sealed, String aad) {
    if (sealed == null || sealed.getString("Nonce") == null || sealed.getString("Ciphertext") == null) {
      throw new SealException("not a sealed message");
    }
    return run(false, key, unb64(sealed.getString("Nonce")), unb64(sealed.getString("Ciphertext")), aad);
  }

  private static byte[] run(boolean encrypt, byte[] key, byte[] nonce, byte[] input, String aad) {
    if (key.length != KEY_BYTES) throw new SealException("AES-256 needs a 32-byte key");
    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, aad.getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[gcm.getOutputSize(input.length)];
    int n = gcm.processBytes(input, 0, input.length, out, 0);
    try {
      n += gcm.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new SealException("authentication failed: wrong key or tampered data");
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  public static String b64(byte[] b) { return Base64.getEncoder().encodeToString(b); }

  public static byte[] unb64(String s) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new SealException("not base64");
    }
  }
}
