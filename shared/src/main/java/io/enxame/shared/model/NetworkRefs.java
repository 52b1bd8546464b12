package io.enxame.shared.model;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The swarm networks a task template attaches to: {@code TaskTemplate.Networks[]}, each
 * {@code {"Target": network ID, "Aliases": [...], "DriverOpts": {...}}} once the gateway resolved names to IDs.
 */
public final class NetworkRefs {
  private NetworkRefs() {}

  /** The attachment configs of a task spec (a service's TaskTemplate, or a task's Spec), in order. */
  public static List<JsonObject> configs(JsonObject taskSpec) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : Json.arrayOrEmpty(taskSpec == null ? new JsonObject() : taskSpec, "Networks")) {
      if (o instanceof JsonObject c && c.getValue("Target") instanceof String t && !t.isEmpty()) out.add(c);
    }
    return out;
  }

  public static Set<String> ids(JsonObject taskSpec) {
    Set<String> ids = new LinkedHashSet<>();
    configs(taskSpec).forEach(c -> ids.add(c.getString("Target")));
    return ids;
  }

  /** The network IDs of a task's {@code NetworksAttachments} (what the allocator attached). */
  public static Set<String> attached(JsonObject task) {
    Set<String> ids = new LinkedHashSet<>();
    for (Object o : Json.arrayOrEmpty(task, "NetworksAttachments")) {
      String id = o instanceof JsonObject a ? Json.string(a, "Network.ID") : null;
      if (id != null && !Tasks.BRIDGE.equals(id)) ids.add(id);
    }
    return ids;
  }
}
