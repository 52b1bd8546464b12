package io.enxame.scheduler.placement;

import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks a node for a task: readiness and availability filters first, then spread (fewest tasks of
 * the same service, then fewest tasks overall). A refusal explains itself the way Swarm's does.
 */
public final class Placement {
  private Placement() {}

  public record Decision(Optional<String> nodeId, String explanation) {}

  public static Decision place(String serviceId, Collection<JsonObject> nodes, NodeLoad load) {
    List<JsonObject> eligible = nodes.stream().filter(Placement::acceptsNewTasks).toList();
    if (eligible.isEmpty()) {
      int n = nodes.size();
      return new Decision(Optional.empty(),
          "no suitable node (" + n + " node" + (n == 1 ? "" : "s") + " not available for new tasks)");
    }
    JsonObject best = eligible.stream()
        .min(Comparator.<JsonObject>comparingInt(node -> load.ofService(serviceId, node.getString("ID")))
            .thenComparingInt(node -> load.total(node.getString("ID")))
            .thenComparing(node -> node.getString("ID")))
        .orElseThrow();
    load.add(best.getString("ID"), serviceId);
    return new Decision(Optional.of(best.getString("ID")), "scheduler assigned task to node");
  }

  static boolean acceptsNewTasks(JsonObject node) {
    return "ready".equals(Json.string(node, "Status.State"))
        && "active".equals(Optional.ofNullable(Json.string(node, "Spec.Availability")).orElse("active"));
  }
}
