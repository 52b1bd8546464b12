package io.enxame.gateway.system;

import io.enxame.gateway.Product;
import io.enxame.gateway.swarm.ClusterReader;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.model.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The body of {@code GET /info}, built from the store. The CLI decodes it into Go structs, so every
 * field keeps its Go type (numbers stay numbers, lists stay lists) even when the value is unknown.
 */
public final class SystemInfo {
  private SystemInfo() {}

  public static JsonObject build(String selfId, Optional<JsonObject> cluster, List<JsonObject> nodes, List<JsonObject> tasks) {
    JsonObject self = nodes.stream().filter(n -> selfId.equals(n.getString("ID"))).findFirst().orElse(new JsonObject());
    return engine(selfId, self, tasks).put("Swarm", swarm(selfId, self, cluster, nodes));
  }

  /**
   * A worker's {@code /info}, as a worker's dockerd answers it: {@code Swarm} active, no control available, the node's
   * address and the managers it knows of ({@code NodeAddr} and {@code RemoteManagers}), and no cluster, node or manager
   * counts (a worker cannot see the swarm's state).
   *
   * @param self the node as its node object would show it: {@code ID}, {@code Description}, {@code Status.Addr}
   * @param tasks this node's tasks ({@code NodeID}, {@code Status.State}, {@code Status.ContainerStatus.ContainerID})
   * @param managers the managers' addresses ("host:port") the node knows
   */
  public static JsonObject worker(JsonObject self, List<JsonObject> tasks, List<String> managers) {
    String selfId = self.getString("ID", "");
    JsonArray remotes = new JsonArray();
    // The node knows its managers by address: moby's NodeID is left empty (docker info shows addresses only).
    managers.forEach(addr -> remotes.add(new JsonObject().put("NodeID", "").put("Addr", addr)));
    return engine(selfId, self, tasks).put("Swarm", new JsonObject().put("NodeID", selfId)
        .put("NodeAddr", orElse(Json.string(self, "Status.Addr"), "")).put("LocalNodeState", "active")
        .put("ControlAvailable", false).put("Error", "").put("RemoteManagers", remotes));
  }

  /** What {@code /info} says of the node's engine and of its task containers. */
  private static JsonObject engine(String selfId, JsonObject self, List<JsonObject> tasks) {
    JsonObject description = Json.objectOrEmpty(self, "Description");
    List<JsonObject> mine = tasks.stream().filter(t -> selfId.equals(t.getString("NodeID")))
        .filter(t -> !blank(Json.string(t, "Status.ContainerStatus.ContainerID"))).toList();
    long running = mine.stream().filter(t -> Tasks.observed(t) == TaskState.RUNNING).count();
    String hostname = orElse(Json.string(description, "Hostname"), selfId);
    return new JsonObject()
        .put("ID", selfId)
        .put("Name", hostname)
        .put("ServerVersion", orElse(Json.string(description, "Engine.EngineVersion"), Product.ENGINE_VERSION))
        .put("OSType", orElse(Json.string(description, "Platform.OS"), Product.OS))
        .put("OperatingSystem", "Enxame " + Product.VERSION)
        .put("Architecture", orElse(Json.string(description, "Platform.Architecture"), "x86_64"))
        .put("NCPU", orZero(Json.number(description, "Resources.NanoCPUs")) / 1_000_000_000L)
        .put("MemTotal", orZero(Json.number(description, "Resources.MemoryBytes")))
        .put("Containers", mine.size())
        .put("ContainersRunning", running)
        .put("ContainersPaused", 0)
        .put("ContainersStopped", mine.size() - running)
        .put("Images", 0)
        .put("Labels", engineLabels(description))
        .put("Plugins", plugins(description))
        .put("KernelVersion", "")
        .put("DockerRootDir", "")
        .put("LoggingDriver", "json-file")
        .put("IndexServerAddress", "https://index.docker.io/v1/")
        .put("SystemTime", Times.format(Instant.now()))
        .put("ExperimentalBuild", false)
        .put("Debug", false)
        .put("ContainerdCommit", new JsonObject().put("ID", ""))
        .put("RuncCommit", new JsonObject().put("ID", ""))
        .put("InitCommit", new JsonObject().put("ID", ""))
        .put("SecurityOptions", new JsonArray())
        .put("Warnings", new JsonArray());
  }

  /** A manager whose store is locked knows nothing of the swarm but that: Docker shows "Swarm: locked" and no more. */
  public static JsonObject locked(String selfId) {
    JsonObject info = build(selfId, Optional.empty(), List.of(), List.of());
    info.getJsonObject("Swarm").put("LocalNodeState", "locked");
    return info;
  }

  static JsonObject swarm(String selfId, JsonObject self, Optional<JsonObject> cluster, List<JsonObject> nodes) {
    JsonObject swarm = new JsonObject().put("NodeID", "").put("NodeAddr", "").put("LocalNodeState", "inactive")
        .put("ControlAvailable", false).put("Error", "").putNull("RemoteManagers");
    if (cluster.isEmpty()) return swarm;
    JsonArray managers = new JsonArray();
    nodes.stream().filter(n -> n.getValue("ManagerStatus") != null).forEach(n -> managers.add(new JsonObject()
        .put("NodeID", n.getString("ID")).put("Addr", orElse(Json.string(n, "ManagerStatus.Addr"), ""))));
    return swarm.put("NodeID", selfId)
        .put("NodeAddr", orElse(Json.string(self, "Status.Addr"), ""))
        .put("LocalNodeState", "active")
        .put("ControlAvailable", true)
        .put("RemoteManagers", managers)
        .put("Nodes", nodes.size())
        .put("Managers", nodes.stream().filter(n -> "manager".equals(Json.string(n, "Spec.Role"))).count())
        .put("Cluster", ClusterReader.withoutJoinTokens(cluster.get()));
  }

  /** Engine labels as Docker lists them: "k=v" strings. */
  private static JsonArray engineLabels(JsonObject description) {
    JsonArray out = new JsonArray();
    Json.objectOrEmpty(description, "Engine.Labels").forEach(e -> out.add(e.getKey() + "=" + e.getValue()));
    return out;
  }

  /** The plugins the node's engine reported, grouped by type; Docker's usual set when it reported none. */
  private static JsonObject plugins(JsonObject description) {
    JsonObject out = new JsonObject().put("Volume", new JsonArray()).put("Network", new JsonArray())
        .put("Authorization", null).put("Log", new JsonArray());
    JsonArray reported = Json.arrayOrEmpty(description, "Engine.Plugins");
    if (reported.isEmpty()) {
      return out.put("Volume", new JsonArray().add("local")).put("Network", new JsonArray().add("overlay"))
          .put("Log", new JsonArray().add("json-file"));
    }
    for (Object o : reported) {
      if (o instanceof JsonObject p && out.getValue(p.getString("Type", "")) instanceof JsonArray list) list.add(p.getString("Name"));
    }
    return out;
  }

  private static boolean blank(String s) { return s == null || s.isEmpty(); }

  private static String orElse(String s, String fallback) { return blank(s) ? fallback : s; }

  private static long orZero(Long n) { return n == null ? 0 : n; }
}
