package io.enxame.shared.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the store publishes on {@link io.enxame.shared.bus.Addresses#STORE_CHANGES} after each commit:
 * {@code {"index":N,"prevIndex":P,"changes":[{"action":"create|update|delete","kind":"tasks","id":"...","object":{...}}]}}.
 * {@code prevIndex} is the index of the previous published commit: a consumer whose last seen index
 * differs has missed events and must re-read a snapshot.
 */
public record ChangeEvent(long index, long prevIndex, JsonArray changes) {

  public static ChangeEvent fromJson(JsonObject json) {
    return new ChangeEvent(json.getLong("index"), json.getLong("prevIndex", 0L), json.getJsonArray("changes", new JsonArray()));
  }

  public JsonObject toJson() {
    return new JsonObject().put("index", index).put("prevIndex", prevIndex).put("changes", changes);
  }
}
