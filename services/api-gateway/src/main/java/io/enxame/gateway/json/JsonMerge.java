package io.enxame.gateway.json;

import io.vertx.core.json.JsonObject;

/** Filling the gaps of a Docker-shaped object from another one, without overwriting what is set. */
public final class JsonMerge {
  private JsonMerge() {}

  /** Puts each field of {@code defaults} into {@code target} where absent, descending into objects present in both. */
  public static JsonObject under(JsonObject target, JsonObject defaults) {
    for (String key : defaults.fieldNames()) {
      Object have = target.getValue(key);
      Object dflt = defaults.getValue(key);
      if (have == null) target.put(key, dflt instanceof JsonObject o ? o.copy() : dflt);
      else if (have instanceof JsonObject h && dflt instanceof JsonObject d) under(h, d);
    }
    return target;
  }
}
