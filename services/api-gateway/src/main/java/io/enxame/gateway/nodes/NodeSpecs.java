package io.enxame.gateway.nodes;

import io.enxame.shared.bus.Failures;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/** Validation of a NodeSpec, with moby's messages (daemon/cluster/convert/node.go). */
public final class NodeSpecs {
  private NodeSpecs() {}

  static final Set<String> ROLES = Set.of("worker", "manager");
  static final Set<String> AVAILABILITIES = Set.of("active", "pause", "drain");

  /** The spec to store: Name, Labels (never null), Role and Availability. */
  public static JsonObject normalize(JsonObject body) {
    Object role = body.getValue("Role");
    if (!(role instanceof String r) || !ROLES.contains(r)) throw Failures.badRequest("invalid Role: \"" + str(role) + "\"");
    Object availability = body.getValue("Availability");
    if (!(availability instanceof String a) || !AVAILABILITIES.contains(a)) {
      throw Failures.badRequest("invalid Availability: \"" + str(availability) + "\"");
    }
    Object labels = body.getValue("Labels");
    if (labels != null && !(labels instanceof JsonObject)) throw Failures.badRequest("invalid JSON: Labels must be an object");
    Object name = body.getValue("Name");
    if (name != null && !(name instanceof String)) throw Failures.badRequest("invalid JSON: Name must be a string");
    JsonObject spec = new JsonObject();
    if (name != null && !((String) name).isEmpty()) spec.put("Name", name);
    return spec.put("Labels", labels == null ? new JsonObject() : ((JsonObject) labels).copy())
        .put("Role", role).put("Availability", availability);
  }

  private static String str(Object o) { return o == null ? "" : o.toString(); }
}
