package io.enxame.scheduler.placement;

import io.enxame.shared.model.Constraints;
import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks a node for a task, as swarmkit's pipeline does: filters first (readiness and availability,
 * placement constraints, max replicas per node), then spread (fewest tasks of the same service, then
 * fewest tasks overall). A refusal says how many nodes each filter turned away, in Swarm's words.
 */
public final class Placement {
  public record Decision(Optional<String> nodeId, String explanation) {}

  private final String serviceId;
  private final Constraints constraints;
  private final long maxPerNode;

  private Placement(String serviceId, Constraints constraints, long maxPerNode) {
    this.serviceId = serviceId;
    this.constraints = constraints;
    this.maxPerNode = maxPerNode;
  }

  public static Placement of(JsonObject service) {
    Long max = Json.number(service, "Spec.TaskTemplate.Placement.MaxReplicas");
    return new Placement(service.getString("ID"), Constraints.of(service), max == null ? 0 : max);
  }

  public Decision place(Collection<JsonObject> nodes, NodeLoad load) {
    int notReady = 0, unsatisfied = 0, full = 0;
    List<JsonObject> eligible = new ArrayList<>();
    for (JsonObject node : nodes) {
      if (!acceptsNewTasks(node)) notReady++;
      else if (!constraints.test(node)) unsatisfied++;
      else if (maxPerNode > 0 && load.ofService(serviceId, node.getString("ID")) >= maxPerNode) full++;
      else eligible.add(node);
    }
    if (eligible.isEmpty()) {
      List<String> why = new ArrayList<>();
      if (notReady > 0) why.add(nodes(notReady) + " not available for new tasks");
      if (unsatisfied > 0) why.add("scheduling constraints not satisfied on " + nodes(unsatisfied));
      if (full > 0) why.add("max replicas per node limit exceed");
      if (why.isEmpty()) why.add(nodes(0) + " available");
      return new Decision(Optional.empty(), "no suitable node (" + String.join("; ", why) + ")");
    }
    JsonObject best = eligible.stream()
        .min(Comparator.<JsonObject>comparingInt(node -> load.ofService(serviceId, node.getString("ID")))
            .thenComparingInt(node -> load.total(node.getString("ID")))
            .thenComparing(node -> node.getString("ID")))
        .orElseThrow();
    load.add(best.getString("ID"), serviceId);
    return new Decision(Optional.of(best.getString("ID")), "scheduler assigned task to node");
  }

  /** Whether a global service wants a task on this node: ready, active and within the constraints. */
  public boolean wantsNode(JsonObject node) { return acceptsNewTasks(node) && constraints.test(node); }

  static boolean acceptsNewTasks(JsonObject node) {
    return "ready".equals(Json.string(node, "Status.State"))
        && "active".equals(Optional.ofNullable(Json.string(node, "Spec.Availability")).orElse("active"));
  }

  private static String nodes(int n) { return n + " node" + (n == 1 ? "" : "s"); }
}
