package io.enxame.secrets.vault;

import io.enxame.shared.crypto.Aead;
import io.enxame.shared.crypto.Released;
import io.enxame.shared.crypto.SealedBox;
import io.vertx.core.json.JsonObject;

/**
 * Envelope encryption of one object's data: the data is sealed (AES-256-GCM) under a data key of its own,
 * and that data key is sealed under the cluster's secrets key. The stored form is the object's
 * {@code Sealed} field: {@code {"Key": {Nonce,Ciphertext}, "Data": {Nonce,Ciphertext}}}. Both are bound to
 * the object's kind and ID, so a sealed field copied onto another object does not open.
 */
public final class Envelope {
  private static final String KEY_OFFER_AAD = "enxame secrets key";
  private final byte[] secretsKey;

  public Envelope(byte[] secretsKey) {
    this.secretsKey = secretsKey.clone();
  }

  public JsonObject seal(String kind, String id, byte[] plaintext) {
    byte[] dataKey = Aead.newKey();
    try {
      return new JsonObject()
          .put("Key", Aead.seal(secretsKey, dataKey, keyAad(kind, id)))
          .put("Data", Aead.seal(dataKey, plaintext, dataAad(kind, id)));
    } finally {
      java.util.Arrays.fill(dataKey, (byte) 0);
    }
  }

  /**
   * The object's data as a recipient can open it: the data still sealed under its data key, and that data key
   * sealed to the recipient's public key (see {@link Released}). The plaintext data is never decrypted here.
   */
  public JsonObject release(String kind, String id, JsonObject sealed, byte[] recipientKey) {
    byte[] dataKey = Aead.open(secretsKey, sealed.getJsonObject("Key"), keyAad(kind, id));
    try {
      return new JsonObject().put("Data", sealed.getJsonObject("Data").copy())
          .put("Key", SealedBox.seal(recipientKey, dataKey, dataAad(kind, id)));
    } finally {
      java.util.Arrays.fill(dataKey, (byte) 0);
    }
  }

  /** Whether {@code candidate} is the sealed data, compared in constant time; the opened data is wiped. */
  public boolean matches(String kind, String id, JsonObject sealed, byte[] candidate) {
    byte[] dataKey = Aead.open(secretsKey, sealed.getJsonObject("Key"), keyAad(kind, id));
    byte[] data = null;
    try {
      data = Aead.open(dataKey, sealed.getJsonObject("Data"), dataAad(kind, id));
      return java.security.MessageDigest.isEqual(data, candidate);
    } finally {
      java.util.Arrays.fill(dataKey, (byte) 0);
      if (data != null) java.util.Arrays.fill(data, (byte) 0);
    }
  }

  /** The secrets key itself, sealed to a manager that joins, so that its secrets service opens what this one sealed. */
  public JsonObject sealKeyFor(byte[] joinerKey) { return SealedBox.seal(joinerKey, secretsKey, KEY_OFFER_AAD); }

  /** The joiner's side of {@link #sealKeyFor}. */
  public static byte[] openOfferedKey(SealedBox.KeyPair joiner, JsonObject sealedKey) { return joiner.open(sealedKey, KEY_OFFER_AAD); }

  private static String dataAad(String kind, String id) { return Released.associatedData(kind, id); }

  private static String keyAad(String kind, String id) { return kind + "/" + id + "/key"; }
}
