package io.enxame.store;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.UnlockKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

  /** One transaction's staged objects (null: deleted), its per-op results and its changes, before commit. */
  private record Staged(Map<Kind, Map<String, JsonObject>> objects, JsonArray results, JsonArray changes) {}

  /** Applies all operations or none. A refused transaction changes nothing and says why. (Log entries of one transaction.) */
  Outcome apply(JsonObject tx, long index) {
    String now = Objects.requireNonNull(tx.getString("now"), "transaction without a timestamp");
    Staged staged = stage(tx.getJsonArray("ops", new JsonArray()), index, now, Set.of());
    commit(staged);
    long prev = lastChangeIndex;
    if (!staged.changes().isEmpty()) lastChangeIndex = index;
    return new Outcome(new JsonObject().put("index", index).put("objects", staged.results()), staged.changes(), prev);
  }

  /**
   * Applies a log entry of several transactions, {@code {"now","txs":[{"ops":[...]},...]}}, in order, each all or
   * nothing as {@link #apply} does, with a result each: {@code {"index":N,"results":[{"index":N,"objects":[...]} or
   * {"error":{"status","message"}}, ...]}}; a refused transaction fails alone. The changes of all of them make one
   * change event at the entry's index.
   *
   * <p>Every object a transaction writes gets the entry's Raft index as its Version.Index. That stays an exact
   * optimistic-concurrency token only because no two transactions of one entry change the same object: the
   * proposer never puts them together ({@link #targets}), and an operation on an object that an earlier
   * transaction of the entry changed is refused here (500: a proposer bug), so the rule holds on every member.
   */
  Outcome applyBatch(JsonObject entry, long index) {
    String now = Objects.requireNonNull(entry.getString("now"), "transactions without a timestamp");
    JsonArray results = new JsonArray();
    JsonArray changes = new JsonArray();
    Set<String> changed = new HashSet<>();
    for (Object o : entry.getJsonArray("txs", new JsonArray())) {
      JsonObject tx = o instanceof JsonObject t ? t : new JsonObject();
      try {
        Staged staged = stage(tx.getJsonArray("ops", new JsonArray()), index, now, changed);
        commit(staged);
        results.add(new JsonObject().put("index", index).put("objects", staged.results()));
        for (Object c : staged.changes()) {
          JsonObject change = (JsonObject) c;
          changed.add(key(change.getString("kind"), change.getString("id")));
          changes.add(change);
        }
      } catch (StoreError e) {
        results.add(e.toJson());
      }
    }
    long prev = lastChangeIndex;
    if (!changes.isEmpty()) lastChangeIndex = index;
    return new Outcome(new JsonObject().put("index", index).put("results", results), changes, prev);
  }

  /** The objects a transaction's operations name ("kind/ID"): transactions of one entry must not share any. */
  static Set<String> targets(JsonObject tx) {
    Set<String> keys = new HashSet<>();
    for (Object o : tx.getJsonArray("ops", new JsonArray())) {
      if (o instanceof JsonObject op) keys.add(key(op.getString("kind"), target(op)));
    }
    return keys;
  }

  private static String target(JsonObject op) {
    JsonObject obj = op.getJsonObject("object");
    return obj != null ? obj.getString("ID") : op.getString("id");
  }

  private static String key(String kind, String id) { return kind + "/" + id; }

  private Staged stage(JsonArray ops, long index, String now, Set<String> changedEarlier) {
    Map<Kind, Map<String, JsonObject>> staged = new EnumMap<>(Kind.class);
    JsonArray results = new JsonArray();
    JsonArray changes = new JsonArray();
    for (Object o : ops) {
      JsonObject op = (JsonObject) o;
      Kind kind = Kind.fromWire(op.getString("kind"))
          .orElseThrow(() -> new StoreError(Failures.BAD_REQUEST, "unknown object kind: " + op.getString("kind")));
      if (changedEarlier.contains(key(kind.wire(), target(op)))) {
        throw new StoreError(Failures.INTERNAL, "transactions of one log entry overlap on " + kind.singular() + " " + target(op));
      }
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
    return new Staged(staged, results, changes);
  }

  private void commit(Staged staged) {
    staged.objects().forEach((kind, stage) -> stage.forEach((id, obj) -> commit(kind, id, obj)));
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
