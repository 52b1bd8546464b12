package io.enxame.store;

import io.enxame.shared.crypto.Aead;
import io.enxame.shared.crypto.SealedBox;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The joiner's side of {@link io.enxame.shared.bus.Addresses#STORE_JOIN_OFFER}: opens the data key that a member
 * sealed to the joiner's key pair and gives the store's {@code join} config, {@code {"groupId","voters","dek": b64}}.
 * That config holds the key in the clear: it stays in the joining process's memory, and the store keeps the key
 * wrapped by its own KEK from its first start.
 */
public final class JoinOffer {
  private JoinOffer() {}

  public static JsonObject open(JsonObject offer, SealedBox.KeyPair joiner) {
    byte[] dek = KeyRing.openOffered(joiner, offer.getJsonObject("dek"));
    return new JsonObject().put("groupId", offer.getString("groupId")).put("voters", offer.getJsonArray("voters"))
        .put("dek", Aead.b64(dek));
  }

  /** Whether a store on this data dir has yet to join (it holds no keys: a member restarting ignores any offer). */
  public static boolean needed(Path dataDir) { return !KeyRing.exists(dataDir); }

  static byte[] dek(JsonObject join) { return Aead.unb64(join.getString("dek")); }
}
