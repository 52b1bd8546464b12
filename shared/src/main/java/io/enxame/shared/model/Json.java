package io.enxame.shared.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Null-safe navigation of Docker-shaped JSON by dotted paths ("Spec.Mode.Replicated.Replicas"). */
public final class Json {
  private Json() {}

  public static Object at(JsonObject root, String path) {
    Object cur = root;
    for (String part : path.split("\\.")) {
      if (!(cur instanceof JsonObject obj)) return null;
      cur = obj.getValue(part);
    }
    return cur;
  }

  public static String string(JsonObject root, String path) {
    Object v = at(root, path);
    return v instanceof String s ? s : null;
  }

  public static Long number(JsonObject root, String path) {
    Object v = at(root, path);
    return v instanceof Number n ? n.longValue() : null;
  }

  public static JsonObject object(JsonObject root, String path) {
    Object v = at(root, path);
    return v instanceof JsonObject o ? o : null;
  }

  public static JsonObject objectOrEmpty(JsonObject root, String path) {
    JsonObject o = object(root, path);
    return o == null ? new JsonObject() : o;
  }

  public static JsonArray arrayOrEmpty(JsonObject root, String path) {
    Object v = at(root, path);
    return v instanceof JsonArray a ? a : new JsonArray();
  }

  /** Sets a value at a dotted path, creating the intermediate objects. */
  public static JsonObject put(JsonObject root, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject cur = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject next = cur.getJsonObject(parts[i]);
      if (next == null) {
        next = new JsonObject();
        cur.put(parts[i], next);
      }
      cur = next;
    }
    cur.put(parts[parts.length - 1], value);
    return root;
  }

  public static long version(JsonObject object) {
    Long v = number(object, "Version.Index");
    return v == null ? 0 : v;
  }
}
