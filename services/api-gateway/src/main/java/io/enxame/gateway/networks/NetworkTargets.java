package io.enxame.gateway.networks;

import io.enxame.gateway.resolve.IdResolver;
import io.enxame.gateway.resolve.Lookup;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A service spec's networks as moby's populateNetworkID leaves them: every {@code Target} (an ID, a name or an
 * ID prefix: {@code stack deploy} sends names) replaced by the network's ID. The deprecated top-level
 * {@code Spec.Networks} moves into the task template, where swarmkit's allocator reads it.
 */
public final class NetworkTargets {
  private NetworkTargets() {}

  /** Resolves in place; throws 404 for an unknown network, 403 for an engine's own network. */
  public static void resolve(JsonObject spec, List<JsonObject> networks) {
    JsonObject template = spec.getJsonObject("TaskTemplate");
    Object legacy = spec.remove("Networks");
    if (legacy instanceof JsonArray l && !l.isEmpty() && Json.arrayOrEmpty(template, "Networks").isEmpty()) template.put("Networks", l);
    Object raw = template.getValue("Networks");
    if (raw == null) return;
    if (!(raw instanceof JsonArray attachments)) throw Failures.badRequest("invalid JSON: TaskTemplate.Networks must be an array");
    JsonArray resolved = new JsonArray();
    for (Object o : attachments) {
      if (!(o instanceof JsonObject a) || !(a.getValue("Target") instanceof String target) || target.isEmpty()) {
        throw Failures.badRequest("invalid JSON: every TaskTemplate.Networks entry needs a Target");
      }
      if (NetworkSpecs.PREDEFINED.contains(target)) {
        throw Failures.of(403, "The network " + target + " cannot be used with services. Only networks scoped to the swarm can be"
            + " used, such as those created with the overlay driver.");
      }
      JsonObject network = IdResolver.resolve("network", target, networks, Lookup.namesOf(Kind.NETWORKS));
      resolved.add(a.copy().put("Target", network.getString("ID")));
    }
    template.put("Networks", resolved);
  }
}
