package io.enxame.scheduler.placement;

import io.enxame.shared.model.Constraints;
import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Picks a node for a task, as swarmkit's pipeline does: filters first (readiness and availability,
 * reserved CPU and memory against the node's capacity, placement constraints, max replicas per node),
 * then the placement preferences ({@code spread=node.labels.zone}: each level of preference picks the
 * label value holding the fewest tasks of the service), then spread over nodes (fewest tasks of the
 * service, then fewest tasks overall). A refusal says how many nodes each filter turned away, in
 * Swarm's words.
 */
public final class Placement {
  public record Decision(Optional<String> nodeId, String explanation) {}

  private final String serviceId;
  private final Constraints constraints;
  private final long maxPerNode;
  private final NodeLoad.Reservation reservation;
  private final List<String> spreadLabels;

  private Placement(String serviceId, Constraints constraints, long maxPerNode, NodeLoad.Reservation reservation,
                    List<String> spreadLabels) {
    this.serviceId = serviceId;
    this.constraints = constraints;
    this.maxPerNode = maxPerNode;
    this.reservation = reservation;
    this.spreadLabels = spreadLabels;
  }

  public static Placement of(JsonObject service) {
    Long max = Json.number(service, "Spec.TaskTemplate.Placement.MaxReplicas");
    List<String> spread = new ArrayList<>();
    JsonArray prefs = Optional.ofNullable(Json.object(service, "Spec.TaskTemplate.Placement"))
        .map(p -> p.getJsonArray("Preferences")).orElse(new JsonArray());
    for (Object p : prefs) {
      if (p instanceof JsonObject pref && Json.string(pref, "Spread.SpreadDescriptor") != null) {
        spread.add(Json.string(pref, "Spread.SpreadDescriptor"));
      }
    }
    return new Placement(service.getString("ID"), Constraints.of(service), max == null ? 0 : max,
        NodeLoad.Reservation.of(Json.objectOrEmpty(service, "Spec.TaskTemplate")), spread);
  }

  public Decision place(Collection<JsonObject> nodes, NodeLoad load) {
    int notReady = 0, noRoom = 0, unsatisfied = 0, full = 0;
    List<JsonObject> eligible = new ArrayList<>();
    for (JsonObject node : nodes) {
      if (!acceptsNewTasks(node)) notReady++;
      else if (!load.fits(node, reservation)) noRoom++;
      else if (!constraints.test(node)) unsatisfied++;
      else if (maxPerNode > 0 && load.ofService(serviceId, node.getString("ID")) >= maxPerNode) full++;
      else eligible.add(node);
    }
    if (eligible.isEmpty()) {
      List<String> why = new ArrayList<>();
      if (notReady > 0) why.add(nodes(notReady) + " not available for new tasks");
      if (noRoom > 0) why.add("insufficient resources on " + nodes(noRoom));
      if (unsatisfied > 0) why.add("scheduling constraints not satisfied on " + nodes(unsatisfied));
      if (full > 0) why.add("max replicas per node limit exceed");
      if (why.isEmpty()) why.add(nodes(0) + " available");
      return new Decision(Optional.empty(), "no suitable node (" + String.join("; ", why) + ")");
    }
    for (String label : spreadLabels) eligible = leastLoadedBranch(eligible, label, load);
    JsonObject best = eligible.stream()
        .min(Comparator.<JsonObject>comparingInt(node -> load.ofService(serviceId, node.getString("ID")))
            .thenComparingInt(node -> load.total(node.getString("ID")))
            .thenComparing(node -> node.getString("ID")))
        .orElseThrow();
    load.add(best.getString("ID"), serviceId, reservation);
    return new Decision(Optional.of(best.getString("ID")), "scheduler assigned task to node");
  }

  /** The nodes sharing the value of {@code descriptor} whose group holds the fewest tasks of the service. */
  private List<JsonObject> leastLoadedBranch(List<JsonObject> nodes, String descriptor, NodeLoad load) {
    Map<String, List<JsonObject>> branches = new TreeMap<>();
    for (JsonObject node : nodes) branches.computeIfAbsent(Constraints.valueOf(node, descriptor).orElse(""), v -> new ArrayList<>()).add(node);
    return branches.values().stream()
        .min(Comparator.comparingInt(branch -> branch.stream().mapToInt(n -> load.ofService(serviceId, n.getString("ID"))).sum()))
        .orElse(nodes);
  }

  /** Whether a global service wants a task on this node: ready, active, within the constraints and with room. */
  public boolean wantsNode(JsonObject node) { return acceptsNewTasks(node) && constraints.test(node); }

  /** Whether a global service keeps what it runs on this node, though it adds nothing there: paused, not down, within the constraints. */
  public boolean keepsTasksOn(JsonObject node) {
    return "pause".equals(Json.string(node, "Spec.Availability")) && !"down".equals(Json.string(node, "Status.State"))
        && constraints.test(node);
  }

  static boolean acceptsNewTasks(JsonObject node) {
    return "ready".equals(Json.string(node, "Status.State"))
        && "active".equals(Optional.ofNullable(Json.string(node, "Spec.Availability")).orElse("active"));
  }

  private static String nodes(int n) { return n + " node" + (n == 1 ? "" : "s"); }
}
