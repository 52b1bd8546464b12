package io.enxame.agent.exec;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.SwarmLabels;
import io.enxame.shared.model.Tasks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a Docker-shaped task into the container Swarm would create for it. */
public final class ContainerSpecs {
  /** Docker's stop timeout when the service sets no StopGracePeriod. */
  public static final int DEFAULT_STOP_SECONDS = 10;

  private ContainerSpecs() {}

  public static ContainerSpec fromTask(JsonObject task, String nodeId) {
    JsonObject cs = Json.objectOrEmpty(task, "Spec.ContainerSpec");
    JsonObject limits = Json.objectOrEmpty(task, "Spec.Resources.Limits");
    JsonObject reservations = Json.objectOrEmpty(task, "Spec.Resources.Reservations");
    Long grace = Json.number(cs, "StopGracePeriod");
    return new ContainerSpec(
        Tasks.name(task),
        cs.getString("Image"),
        labels(task, cs, nodeId),
        // Swarm's Command replaces the image's ENTRYPOINT, Args its CMD.
        strings(cs.getJsonArray("Command")),
        strings(cs.getJsonArray("Args")),
        strings(cs.getJsonArray("Env")),
        blankToNull(cs.getString("Dir")),
        blankToNull(cs.getString("User")),
        blankToNull(cs.getString("Hostname")),
        cs.getBoolean("Init"),
        cs.getBoolean("TTY", false),
        cs.getBoolean("OpenStdin", false),
        cs.getBoolean("ReadOnly", false),
        blankToNull(cs.getString("StopSignal")),
        grace == null ? null : (int) (grace / 1_000_000_000L),
        positive(limits.getLong("MemoryBytes")),
        positive(reservations.getLong("MemoryBytes")),
        positive(limits.getLong("NanoCPUs")),
        healthcheck(cs.getJsonObject("Healthcheck")),
        Tasks.hostPorts(task).stream().map(p -> new ContainerSpec.PortBinding(p.getInteger("TargetPort", 0),
            p.getString("Protocol", "tcp"), p.getInteger("PublishedPort", 0))).toList(),
        List.of(), // the task's files are written at create time (TaskFiles)
        attachments(task),
        logDriver(Json.objectOrEmpty(task, "Spec.LogDriver")));
  }

  /** The task's {@code Spec.LogDriver} ({@code Name}, {@code Options}); none named: the engine's default driver. */
  static ContainerSpec.LogDriver logDriver(JsonObject driver) {
    String name = blankToNull(driver.getString("Name"));
    if (name == null) return null;
    return new ContainerSpec.LogDriver(name, Map.copyOf(strings(driver.getJsonObject("Options"))));
  }

  /**
   * The task's swarm networks. On each, the container answers to its service's name, {@code tasks.<service>}
   * (both resolve to every task of the service: Swarm's DNS round robin) and the attachment's own aliases.
   */
  static List<ContainerSpec.Attachment> attachments(JsonObject task) {
    String service = String.valueOf(Json.string(task, "ServiceAnnotations.Name"));
    List<ContainerSpec.Attachment> out = new ArrayList<>();
    for (Object o : Json.arrayOrEmpty(task, "NetworksAttachments")) {
      if (!(o instanceof JsonObject a) || Tasks.BRIDGE.equals(Json.string(a, "Network.ID"))) continue;
      Set<String> aliases = new LinkedHashSet<>(List.of(service, "tasks." + service));
      aliases.addAll(strings(a.getJsonArray("Aliases")));
      out.add(new ContainerSpec.Attachment(EngineNetwork.of(a.getJsonObject("Network")), List.copyOf(aliases)));
    }
    return out;
  }

  /** Seconds a graceful stop may take before the engine kills the container. */
  public static int stopTimeoutSeconds(JsonObject task) {
    Long grace = Json.number(task, "Spec.ContainerSpec.StopGracePeriod");
    return grace == null ? DEFAULT_STOP_SECONDS : (int) Math.max(0, grace / 1_000_000_000L);
  }

  private static Map<String, String> labels(JsonObject task, JsonObject cs, String nodeId) {
    Map<String, String> labels = strings(cs.getJsonObject("Labels"));
    labels.put(SwarmLabels.SERVICE_ID, task.getString("ServiceID", ""));
    labels.put(SwarmLabels.SERVICE_NAME, String.valueOf(Json.string(task, "ServiceAnnotations.Name")));
    labels.put(SwarmLabels.TASK_ID, task.getString("ID"));
    labels.put(SwarmLabels.TASK_NAME, Tasks.name(task));
    labels.put(SwarmLabels.NODE_ID, nodeId);
    return labels;
  }

  private static ContainerSpec.Healthcheck healthcheck(JsonObject hc) {
    // As swarmkit's adapter: the engine fills what is left empty (the test included) from the image's HEALTHCHECK,
    // so --health-timeout alone tunes the image's check rather than dropping it.
    if (hc == null) return null;
    return new ContainerSpec.Healthcheck(strings(hc.getJsonArray("Test")), positive(hc.getLong("Interval")),
        positive(hc.getLong("Timeout")), hc.getInteger("Retries"), positive(hc.getLong("StartPeriod")));
  }

  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }

  /** A JSON object of strings ({@code Labels}, a driver's {@code Options}) as a map in its order; absent: empty. */
  private static Map<String, String> strings(JsonObject o) {
    Map<String, String> map = new LinkedHashMap<>();
    if (o != null) o.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    return map;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static Long positive(Long v) {
    return v == null || v <= 0 ? null : v;
  }
}
