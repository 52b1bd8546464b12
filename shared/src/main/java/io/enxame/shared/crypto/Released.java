package io.enxame.shared.crypto;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * A secret's or config's data as the secrets service releases it to one recipient:
 * {@code {"Data": {Nonce,Ciphertext}, "Key": SealedBox}} — the data sealed under its own data key, and the
 * data key sealed to the recipient's public key. Only the recipient's key pair opens it.
 */
public final class Released {
  private Released() {}

  /** What both seals are bound to: the object's kind and ID. */
  public static String associatedData(String kind, String id) { return kind + "/" + id; }

  public static byte[] open(SealedBox.KeyPair recipient, String kind, String id, JsonObject released) {
    String aad = associatedData(kind, id);
    byte[] dataKey = recipient.open(released.getJsonObject("Key"), aad);
    try {
      return Aead.open(dataKey, released.getJsonObject("Data"), aad);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }
}
