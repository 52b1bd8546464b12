package io.enxame.shared.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Facts about task objects that the gateway, the scheduler and the agent must agree on. */
public final class Tasks {
  private Tasks() {}

  /**
   * A task is up to date when it was made from the service's current task template (ForceUpdate included)
   * and publishes the service's current host-mode ports (its container binds them, so a change needs a new one).
   */
  public static boolean isUpToDate(JsonObject task, JsonObject service) {
    JsonObject template = Json.objectOrEmpty(service, "Spec.TaskTemplate");
    return template.equals(Json.objectOrEmpty(task, "Spec")) && hostPorts(task).equals(hostPorts(service));
  }

  /** The {@code Endpoint.Ports} of a service or task published in host mode (bound on the task's own node). */
  public static List<JsonObject> hostPorts(JsonObject serviceOrTask) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : Json.arrayOrEmpty(serviceOrTask, "Endpoint.Ports")) {
      if (o instanceof JsonObject p && "host".equals(p.getString("PublishMode"))) out.add(p);
    }
    return out;
  }

  /** Swarm's task name: {@code web.1.<task id>}, or {@code web.<node id>.<task id>} for slot-less (global) tasks. */
  public static String name(JsonObject task) {
    String service = Json.string(task, "ServiceAnnotations.Name");
    long slot = task.getLong("Slot", 0L);
    String middle = slot > 0 ? Long.toString(slot) : task.getString("NodeID", "");
    return service + "." + middle + "." + task.getString("ID");
  }

  public static TaskState observed(JsonObject task) {
    return TaskState.fromWire(Json.string(task, "Status.State")).orElse(TaskState.NEW);
  }

  public static TaskState desired(JsonObject task) {
    return TaskState.fromWire(task.getString("DesiredState")).orElse(TaskState.RUNNING);
  }

  /** A task on no swarm network runs on the engine's default bridge; its attachment is named so. */
  public static final String BRIDGE = "bridge";

  /**
   * The task's {@code NetworksAttachments} (one per swarm network the allocator attached) with the addresses
   * the agent reported, CIDR strings such as {@code 10.0.1.3/24}, keyed by network ID. An address on the
   * engine's default bridge gets a "bridge" attachment of its own.
   */
  public static JsonArray withAddresses(JsonArray attachments, Map<String, List<String>> byNetwork) {
    JsonArray out = new JsonArray();
    Set<String> seen = new HashSet<>();
    for (Object a : attachments == null ? new JsonArray() : attachments) {
      if (!(a instanceof JsonObject attachment)) continue;
      String id = Json.string(attachment, "Network.ID");
      seen.add(id);
      out.add(attachment.copy().put("Addresses", new JsonArray(new ArrayList<>(byNetwork.getOrDefault(id, List.of())))));
    }
    List<String> bridge = byNetwork.getOrDefault(BRIDGE, List.of());
    if (!bridge.isEmpty() && !seen.contains(BRIDGE)) {
      JsonObject network = new JsonObject().put("ID", BRIDGE).put("Spec", new JsonObject().put("Name", BRIDGE)
          .put("DriverConfiguration", new JsonObject().put("Name", BRIDGE)).put("Scope", "local"));
      out.add(new JsonObject().put("Network", network).put("Addresses", new JsonArray(new ArrayList<>(bridge))));
    }
    return out;
  }

  /** The task's IP addresses (prefix lengths dropped), in attachment order; empty until the agent reported them. */
  public static List<String> ips(JsonObject task) {
    List<String> out = new ArrayList<>();
    for (Object a : Json.arrayOrEmpty(task, "NetworksAttachments")) {
      if (!(a instanceof JsonObject attachment)) continue;
      for (Object cidr : Json.arrayOrEmpty(attachment, "Addresses")) {
        if (cidr instanceof String s && !s.isEmpty()) out.add(s.contains("/") ? s.substring(0, s.indexOf('/')) : s);
      }
    }
    return out;
  }
}
