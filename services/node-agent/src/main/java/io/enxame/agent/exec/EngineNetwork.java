package io.enxame.agent.exec;

import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network an engine makes for one swarm network: a bridge named as the swarm network, labelled with its ID so
 * that every agent on the engine (several nodes may share one) finds the same one. Tasks on it reach each other by
 * service name through the engine's DNS.
 *
 * @param ipam the swarm network's IPAM configs (subnet, range, gateway); empty lets the engine choose
 */
public record EngineNetwork(String swarmId, String name, boolean internal, boolean ipv6, List<Ipam> ipam, Map<String, String> labels) {
  /** The label that ties an engine network to its swarm network. */
  public static final String SWARM_ID_LABEL = "com.enxame.network.id";

  public record Ipam(String subnet, String range, String gateway) {}

  /** From a swarm network object as the allocator put it in a task's NetworksAttachments. */
  public static EngineNetwork of(JsonObject network) {
    JsonObject spec = Json.objectOrEmpty(network, "Spec");
    List<Ipam> ipam = new ArrayList<>();
    for (Object o : Json.arrayOrEmpty(network, "IPAM.Configs")) {
      if (o instanceof JsonObject c && c.getString("Subnet") != null) {
        ipam.add(new Ipam(c.getString("Subnet"), c.getString("Range"), c.getString("Gateway")));
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    Json.objectOrEmpty(spec, "Labels").forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    labels.put(SWARM_ID_LABEL, network.getString("ID"));
    return new EngineNetwork(network.getString("ID"), spec.getString("Name", ""), spec.getBoolean("Internal", false),
        spec.getBoolean("IPv6Enabled", false), List.copyOf(ipam), Map.copyOf(labels));
  }
}
