package io.enxame.shared.store;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.model.Kind;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The store's event-bus API as futures; failures are ReplyExceptions carrying an HTTP status. */
public final class StoreClient {
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(10_000);

  private final EventBus bus;

  public StoreClient(EventBus bus) { this.bus = bus; }

  public Future<JsonObject> get(Kind kind, String id) {
    return request(Addresses.STORE_GET, new JsonObject().put("kind", kind.wire()).put("id", id));
  }

  public Future<List<JsonObject>> list(Kind kind) {
    return request(Addresses.STORE_LIST, new JsonObject().put("kind", kind.wire()))
        .map(reply -> objects(reply.getJsonArray("items")));
  }

  /** All objects of the given kinds as of one index. */
  public Future<Snapshot> snapshot(Kind... kinds) {
    JsonArray names = new JsonArray();
    for (Kind k : kinds) names.add(k.wire());
    return request(Addresses.STORE_SNAPSHOT, new JsonObject().put("kinds", names)).map(reply -> {
      JsonObject byKind = reply.getJsonObject("kinds");
      Map<Kind, List<JsonObject>> items = byKind.fieldNames().stream().collect(Collectors.toMap(
          name -> Kind.fromWire(name).orElseThrow(), name -> objects(byKind.getJsonArray(name))));
      return new Snapshot(reply.getLong("index"), items);
    });
  }

  /** Commits the operations atomically; the reply holds the stored objects in operation order. */
  public Future<TxResult> tx(List<JsonObject> ops) {
    return request(Addresses.STORE_TX, new JsonObject().put("ops", new JsonArray(List.copyOf(ops))))
        .map(reply -> new TxResult(reply.getLong("index"), objects(reply.getJsonArray("objects"))));
  }

  public Future<TxResult> tx(JsonObject... ops) { return tx(List.of(ops)); }

  public Future<JsonObject> members() {
    return request(Addresses.STORE_MEMBERS, new JsonObject());
  }

  /** Takes a manager's member out of the Raft group (see {@link Addresses#STORE_REMOVE_MEMBER}). */
  public Future<Void> removeMember(String nodeId) {
    return request(Addresses.STORE_REMOVE_MEMBER, new JsonObject().put("id", nodeId)).mapEmpty();
  }

  /** Takes this member out even when the group would lose quorum ({@code docker swarm leave --force}). */
  public Future<Void> forceRemoveMember(String nodeId) {
    return request(Addresses.STORE_REMOVE_MEMBER, new JsonObject().put("id", nodeId).put("force", true)).mapEmpty();
  }

  /** Whether {@link #removeMember} would be refused now (its failure), without removing anything. */
  public Future<Void> checkRemoveMember(String nodeId) {
    return request(Addresses.STORE_REMOVE_MEMBER, new JsonObject().put("id", nodeId).put("dryRun", true)).mapEmpty();
  }

  /** Whether a member of a {@link #leaderView} is heard from: the leader itself, or one it reached lately. */
  public static boolean heardFrom(JsonObject member) {
    return member.getBoolean("leader", false) || "reachable".equals(member.getString("reachability"));
  }

  /** The group as its leader sees it: every member's reachability (see {@link Addresses#STORE_MEMBERS}). */
  public Future<JsonObject> leaderView() {
    return request(Addresses.STORE_MEMBERS, new JsonObject().put("leader", true));
  }

  /** Whether the raft-manager is locked (autolock after a restart) and needs {@link #unlock}. */
  public Future<Boolean> locked() {
    return request(Addresses.STORE_STATUS, new JsonObject()).map(reply -> reply.getBoolean("locked", false));
  }

  public Future<Void> unlock(String unlockKey) {
    return request(Addresses.STORE_UNLOCK, new JsonObject().put("UnlockKey", unlockKey)).mapEmpty();
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, OPTIONS).map(Message::body);
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array == null ? List.of() : array.stream().map(o -> o == null ? null : (JsonObject) o).toList();
  }

  public record TxResult(long index, List<JsonObject> objects) {
    public JsonObject first() { return objects.get(0); }
  }

  public record Snapshot(long index, Map<Kind, List<JsonObject>> items) {
    public List<JsonObject> of(Kind kind) { return items.getOrDefault(kind, List.of()); }
  }
}
