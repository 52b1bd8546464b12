package io.enxame.secrets.vault;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.crypto.SealException;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The secrets service's event-bus API (addresses in {@link Addresses}): it takes new data sealed to its
 * transit key, stores it under envelope encryption, and re-seals data keys to recipients. Plaintext exists
 * only in this process's memory while an object is created; crypto runs off the event loop.
 */
public final class VaultApi {
  private final Vertx vertx;
  private final StoreClient store;
  private final Envelope envelope;
  private final SealedBox.KeyPair transit;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  public VaultApi(Vertx vertx, StoreClient store, Envelope envelope, SealedBox.KeyPair transit) {
    this.vertx = vertx;
    this.store = store;
    this.envelope = envelope;
    this.transit = transit;
  }

  public void register() {
    String key = Base64.getEncoder().encodeToString(transit.publicKey());
    serve(Addresses.SECRETS_TRANSIT_KEY, body -> Future.succeededFuture(new JsonObject().put("publicKey", key)));
    serve(Addresses.SECRETS_CREATE, this::create);
    serve(Addresses.SECRETS_RELEASE, this::release);
    serve(Addresses.SECRETS_SAME_DATA, this::sameData);
    serve(Addresses.SECRETS_KEY_OFFER, body -> {
      byte[] joiner = decodeKey(body.getString("publicKey"), "publicKey");
      return vertx.executeBlocking(() -> new JsonObject().put("key", envelope.sealKeyFor(joiner)), false);
    });
  }

  public void unregister() {
    consumers.forEach(MessageConsumer::unregister);
    consumers.clear();
  }

  private Future<JsonObject> create(JsonObject body) {
    String kind = body.getString("kind", "");
    JsonObject spec = ObjectSpecs.checkSpec(kind, body.getJsonObject("spec"));
    String id = Ids.newId();
    return vertx.executeBlocking(() -> {
      byte[] data = openTransit(kind, spec.getString("Name"), body.getJsonObject("data"));
      try {
        ObjectSpecs.checkSize(kind, data);
        return envelope.seal(kind, id, data);
      } finally {
        Arrays.fill(data, (byte) 0);
      }
    }, false).compose(sealed -> store.tx(StoreOp.create(kindOf(kind), new JsonObject().put("ID", id).put("Spec", spec).put("Sealed", sealed))))
        .recover(t -> Failures.statusOf(t) == Failures.CONFLICT
            ? Future.failedFuture(Failures.conflict("rpc error: code = AlreadyExists desc = " + ObjectSpecs.noun(kind) + " "
                + spec.getString("Name") + " already exists"))
            : Future.failedFuture(t))
        .map(StoreClient.TxResult::first);
  }

  private byte[] openTransit(String kind, String name, JsonObject box) {
    try {
      return transit.open(box, kind + "/" + name);
    } catch (SealException e) {
      throw Failures.badRequest("the data was not sealed to this secrets service's transit key: " + e.getMessage());
    }
  }

  private Future<JsonObject> release(JsonObject body) {
    String kind = body.getString("kind", "");
    ObjectSpecs.noun(kind);
    byte[] recipient = decodeKey(body.getString("recipientKey"), "recipientKey");
    Set<String> ids = new HashSet<>();
    body.getJsonArray("ids", new JsonArray()).forEach(o -> ids.add(String.valueOf(o)));
    return store.list(kindOf(kind)).compose(objects -> vertx.executeBlocking(() -> {
      JsonArray items = new JsonArray();
      for (JsonObject o : objects) {
        String id = o.getString("ID");
        if (!ids.contains(id) || o.getJsonObject("Sealed") == null) continue;
        items.add(new JsonObject().put("ID", id).put("Sealed", envelope.release(kind, id, o.getJsonObject("Sealed"), recipient)));
      }
      return new JsonObject().put("items", items);
    }, false));
  }

  private Future<JsonObject> sameData(JsonObject body) {
    String kind = body.getString("kind", "");
    ObjectSpecs.noun(kind);
    String id = body.getString("id", "");
    return store.get(kindOf(kind), id).compose(o -> vertx.executeBlocking(() -> {
      byte[] data = openTransit(kind, id, body.getJsonObject("data"));
      try {
        return new JsonObject().put("same", envelope.matches(kind, id, o.getJsonObject("Sealed"), data));
      } finally {
        Arrays.fill(data, (byte) 0);
      }
    }, false));
  }

  private static byte[] decodeKey(String b64, String field) {
    try {
      byte[] key = Base64.getDecoder().decode(b64 == null ? "" : b64);
      if (SealedBox.isPublicKey(key)) return key;
    } catch (IllegalArgumentException notBase64) {
      // refused below
    }
    throw Failures.badRequest(field + " must be a base64 P-256 public key");
  }

  private static Kind kindOf(String wire) {
    return Kind.fromWire(wire).orElseThrow(() -> Failures.badRequest("unknown kind " + wire));
  }

  private void serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, (Message<JsonObject> msg) -> {
      Future<JsonObject> reply;
      try {
        reply = handler.apply(msg.body());
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onSuccess(msg::reply).onFailure(e -> {
        int status = e instanceof io.vertx.core.eventbus.ReplyException ? Failures.statusOf(e) : Failures.INTERNAL;
        msg.fail(status, e.getMessage() == null ? e.toString() : e.getMessage());
      });
    }));
  }
}
