package io.enxame.store;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.UnlockKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The replicated state: every object by kind and ID. {@link #apply} is deterministic (no clock,
 * no I/O: the proposer puts "now" into the transaction), so every member computes the same state.
 * Not thread-safe: the state machine guards it with its lock.
 */
final class ClusterState {
  private final Map<Kind, Map<String, JsonObject>> objects = new EnumMap<>(Kind.class);
  /** For kinds whose names are unique: name → ID of the committed object that holds it (a write checks one entry, not every object). */
  private final Map<Kind, Map<Object, String>> names = new EnumMap<>(Kind.class);
  /** Raft index of the last transaction that changed something: the prevIndex of the next change event. */
  private long lastChangeIndex;

  ClusterState() {
    for (Kind k : Kind.values()) {
      objects.put(k, new LinkedHashMap<>());
      if (k.uniqueNamePath().isPresent()) names.put(k, new HashMap<>());
    }
  }

  record Outcome(JsonObject reply, JsonArray changes, long prevIndex) {}

  /** Applies all operations or none. A refused transaction changes nothing and says why. */
  Outcome apply(JsonObject tx, long index) {
    String now = Objects.requireNonNull(tx.getString("now"), "transaction without a timestamp");
    Map<Kind, Map<String, JsonObject>> staged = new EnumMap<>(Kind.class);
    JsonArray results = new JsonArray();
    JsonArray changes = new JsonArray();
    for (Object o : tx.getJsonArray("ops", new JsonArray())) {
      JsonObject op = (JsonObject) o;
      Kind kind = Kind.fromWire(op.getString("kind"))
          .orElseThrow(() -> new StoreError(Failures.BAD_REQUEST, "unknown object kind: " + op.getString("kind")));
      Map<String, JsonObject> stage = staged.computeIfAbsent(kind, k -> new HashMap<>());
      String action = op.getString("op", "");
      switch (action) {
        case "create" -> record(results, changes, "create", kind, create(kind, stage, op, index, now));
        case "update" -> record(results, changes, "update", kind, update(kind, stage, op, index, now));
        case "merge" -> record(results, changes, "update", kind, merge(kind, stage, op, index, now));
        case "delete" -> {
          JsonObject gone = delete(kind, stage, op);
          results.addNull();
          if (gone != null) changes.add(change("delete", kind, gone.getString("ID"), null));
        }
        default -> throw new StoreError(Failures.BAD_REQUEST, "unknown store operation: " + action);
      }
    }
    staged.forEach((kind, stage) -> stage.forEach((id, obj) -> commit(kind, id, obj)));
    long prev = lastChangeIndex;
    if (!changes.isEmpty()) lastChangeIndex = index;
    return new Outcome(new JsonObject().put("index", index).put("objects", results), changes, prev);
  }

  private JsonObject create(Kind kind, Map<String, JsonObject> stage, JsonObject op, long index, String now) {
    JsonObject obj = op.getJsonObject("object", new JsonObject()).copy();
    String id = obj.getString("ID");
    if (id == null || id.isEmpty()) throw new StoreError(Failures.BAD_REQUEST, kind.singular() + " without an ID");
    if (current(kind, stage, id) != null) {
      throw new StoreError(Failures.CONFLICT, kind.singular() + " " + id + " already exists");
    }
    checkUniqueName(kind, stage, obj, id);
    obj.put("Version", new JsonObject().put("Index", index));
    if (obj.getString("CreatedAt") == null) obj.put("CreatedAt", now);
    obj.put("UpdatedAt", now);
    stage.put(id, obj);
    return obj;
  }

  private JsonObject update(Kind kind, Map<String, JsonObject> stage, JsonObject op, long index, String now) {
    JsonObject obj = op.getJsonObject("object", new JsonObject()).copy();
    String id = obj.getString("ID");
    JsonObject existing = existing(kind, stage, id, false);
    checkVersion(existing, op);
    checkUniqueName(kind, stage, obj, id);
    obj.put("Version", new JsonObject().put("Index", index));
    obj.put("CreatedAt", existing.getString("CreatedAt", now));
    obj.put("UpdatedAt", now);
    stage.put(id, obj);
    return obj;
  }

  private JsonObject merge(Kind kind, Map<String, JsonObject> stage, JsonObject op, long index, String now) {
    String id = op.getString("id");
    JsonObject existing = existing(kind, stage, id, op.getBoolean("ifExists", false));
    if (existing == null) return null;
    checkVersion(existing, op);
    JsonObject obj = existing.copy();
    op.getJsonObject("set", new JsonObject()).forEach(e -> obj.put(e.getKey(), e.getValue()));
    obj.put("ID", id);
    checkUniqueName(kind, stage, obj, id);
    obj.put("Version", new JsonObject().put("Index", index));
    obj.put("UpdatedAt", now);
    stage.put(id, obj);
    return obj;
  }

  /** Returns the object it removed, or null when it was already gone and the op tolerates that. */
  private JsonObject delete(Kind kind, Map<String, JsonObject> stage, JsonObject op) {
    String id = op.getString("id");
    JsonObject gone = existing(kind, stage, id, op.getBoolean("ifExists", false));
    if (gone != null) stage.put(id, null);
    return gone;
  }

  /** Puts an object in place of the committed one with its ID (null removes it), keeping the name index in step. */
  private void commit(Kind kind, String id, JsonObject obj) {
    JsonObject old = obj == null ? objects.get(kind).remove(id) : objects.get(kind).put(id, obj);
    Map<Object, String> index = names.get(kind);
    if (index == null) return;
    String path = kind.uniqueNamePath().orElseThrow();
    if (old != null && Json.at(old, path) != null) index.remove(Json.at(old, path), id);
    if (obj != null && Json.at(obj, path) != null) index.put(Json.at(obj, path), id);
  }

  private static void record(JsonArray results, JsonArray changes, String action, Kind kind, JsonObject obj) {
    results.add(obj);
    if (obj != null) changes.add(change(action, kind, obj.getString("ID"), obj));
  }

  private static JsonObject change(String action, Kind kind, String id, JsonObject obj) {
    return new JsonObject().put("action", action).put("kind", kind.wire()).put("id", id).put("object", obj);
  }

  private JsonObject existing(Kind kind, Map<String, JsonObject> stage, String id, boolean tolerateAbsence) {
    JsonObject existing = id == null ? null : current(kind, stage, id);
    if (existing == null && !tolerateAbsence) {
      throw new StoreError(Failures.NOT_FOUND, kind.singular() + " " + id + " not found");
    }
    return existing;
  }

  private static void checkVersion(JsonObject existing, JsonObject op) {
    Long expected = op.getLong("version");
    if (expected != null && expected != Json.version(existing)) {
      throw new StoreError(Failures.CONFLICT, "update out of sequence");
    }
  }

  /**
   * Whether another object, as this transaction sees them, has the same name: one of the transaction's own
   * staged objects, or the committed holder of the name unless the transaction changes or removes it.
   */
  private void checkUniqueName(Kind kind, Map<String, JsonObject> stage, JsonObject obj, String id) {
    kind.uniqueNamePath().ifPresent(path -> {
      Object name = Json.at(obj, path);
      if (name == null) return;
      String holder = names.get(kind).get(name);
      boolean taken = holder != null && !holder.equals(id) && !stage.containsKey(holder)
          || stage.entrySet().stream().anyMatch(e -> !id.equals(e.getKey()) && e.getValue() != null && name.equals(Json.at(e.getValue(), path)));
      if (taken) throw new StoreError(Failures.CONFLICT, "name conflicts with an existing object");
    });
  }

  private JsonObject current(Kind kind, Map<String, JsonObject> stage, String id) {
    if (stage.containsKey(id)) return stage.get(id);
    return objects.get(kind).get(id);
  }

  JsonObject get(Kind kind, String id) {
    JsonObject obj = objects.get(kind).get(id);
    if (obj == null) throw new StoreError(Failures.NOT_FOUND, kind.singular() + " " + id + " not found");
    return obj;
  }

  JsonArray list(Kind kind) { return new JsonArray(List.copyOf(objects.get(kind).values())); }

  long lastChangeIndex() { return lastChangeIndex; }

  /** The unlock key while the cluster has autolock on, else null: what the members' key rings follow. */
  String unlockKey() {
    return objects.get(Kind.CLUSTER).values().stream()
        .filter(c -> Boolean.TRUE.equals(Json.at(c, "Spec.EncryptionConfig.AutoLockManagers")))
        .map(c -> c.getString(UnlockKeys.FIELD))
        .filter(Objects::nonNull)
        .findFirst().orElse(null);
  }

  JsonObject toJson() {
    JsonObject kinds = new JsonObject();
    objects.forEach((kind, map) -> kinds.put(kind.wire(), new JsonArray(List.copyOf(map.values()))));
    return new JsonObject().put("lastChangeIndex", lastChangeIndex).put("kinds", kinds);
  }

  void load(JsonObject json) {
    objects.values().forEach(Map::clear);
    names.values().forEach(Map::clear);
    lastChangeIndex = json.getLong("lastChangeIndex", 0L);
    JsonObject kinds = json.getJsonObject("kinds", new JsonObject());
    for (String name : kinds.fieldNames()) {
      Kind kind = Kind.fromWire(name).orElseThrow(() -> new IllegalStateException("snapshot holds unknown kind " + name));
      for (Object o : kinds.getJsonArray(name)) {
        JsonObject obj = (JsonObject) o;
        commit(kind, obj.getString("ID"), obj);
      }
    }
  }
}
