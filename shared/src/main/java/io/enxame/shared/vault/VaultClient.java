package io.enxame.shared.vault;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.model.Kind;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The secrets service's event-bus API as futures. Plaintext never goes on the bus: {@link #create} seals it
 * to the service's transit key first, and {@link #release} returns data only a recipient's key pair opens.
 */
public final class VaultClient {
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(10_000);

  private final EventBus bus;

  public VaultClient(EventBus bus) { this.bus = bus; }

  /** Creates a secret or config; replies with the stored object (which carries its sealed data: strip {@code Sealed}). */
  public Future<JsonObject> create(Kind kind, JsonObject spec, byte[] plaintext) {
    // Bound to the name the service will validate; a non-string name is refused there.
    return sealForTransit(plaintext, kind.wire() + "/" + spec.getValue("Name")).compose(box ->
        request(Addresses.SECRETS_CREATE, new JsonObject().put("kind", kind.wire()).put("spec", spec).put("data", box)));
  }

  /** Whether {@code plaintext} is the stored object's data; compared inside the secrets service. */
  public Future<Boolean> sameData(Kind kind, String id, byte[] plaintext) {
    return sealForTransit(plaintext, kind.wire() + "/" + id).compose(box ->
        request(Addresses.SECRETS_SAME_DATA, new JsonObject().put("kind", kind.wire()).put("id", id).put("data", box)))
        .map(reply -> reply.getBoolean("same", false));
  }

  /** Plaintext sealed to the secrets service's transit key, bound to {@code aad}: what may cross the bus. */
  public Future<JsonObject> sealForTransit(byte[] plaintext, String aad) {
    return request(Addresses.SECRETS_TRANSIT_KEY, new JsonObject())
        .map(reply -> SealedBox.seal(Base64.getDecoder().decode(reply.getString("publicKey")), plaintext, aad));
  }

  /** Objects' data re-sealed to a recipient's public key, by ID (see {@link io.enxame.shared.crypto.Released}). */
  public Future<Map<String, JsonObject>> release(Kind kind, Collection<String> ids, byte[] recipientKey) {
    JsonObject body = new JsonObject().put("kind", kind.wire()).put("ids", new JsonArray(ids.stream().toList()))
        .put("recipientKey", Base64.getEncoder().encodeToString(recipientKey));
    return request(Addresses.SECRETS_RELEASE, body).map(reply -> {
      Map<String, JsonObject> byId = new LinkedHashMap<>();
      reply.getJsonArray("items", new JsonArray()).forEach(o -> {
        JsonObject item = (JsonObject) o;
        byId.put(item.getString("ID"), item.getJsonObject("Sealed"));
      });
      return byId;
    });
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, OPTIONS).map(Message::body);
  }
}
