package io.enxame.gateway.nodes;

import io.enxame.gateway.filters.Filters;
import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code GET /nodes} filters: {@code label} is the engine's labels, {@code node.label} the node's
 * own (Spec.Labels); {@code name} matches the name or the hostname by prefix.
 */
public final class NodeFilters {
  private NodeFilters() {}

  static final Set<String> KEYS = Set.of("id", "label", "membership", "name", "node.label", "role");

  public static Predicate<JsonObject> of(Filters f) {
    f.allowOnly(KEYS).allowValues("role", Set.of("manager", "worker")).allowValues("membership", Set.of("accepted", "pending"));
    return n -> f.prefix("id", n.getString("ID"))
        && f.prefixOfAny("name", Arrays.asList(Json.string(n, "Spec.Name"), Json.string(n, "Description.Hostname")))
        && f.labels("label", Json.object(n, "Description.Engine.Labels"))
        && f.labels("node.label", Json.object(n, "Spec.Labels"))
        && f.exact("role", Json.string(n, "Spec.Role"))
        && f.exact("membership", membership(n));
  }

  private static String membership(JsonObject node) {
    String m = Json.string(node, "Spec.Membership");
    return m == null || m.isEmpty() ? "accepted" : m;
  }
}
