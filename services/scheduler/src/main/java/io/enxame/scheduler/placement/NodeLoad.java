package io.enxame.scheduler.placement;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.model.TaskState;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * What the live tasks hold on each node: how many (overall and per service, which spread balances) and
 * the CPU and memory they reserve (which the resource filter checks). Updated as a pass places tasks.
 */
public final class NodeLoad {
  /** A task's {@code Resources.Reservations}. */
  public record Reservation(long nanoCpus, long memoryBytes) {
    static final Reservation NONE = new Reservation(0, 0);

    static Reservation of(JsonObject taskSpec) {
      JsonObject r = Json.objectOrEmpty(taskSpec, "Resources.Reservations");
      return new Reservation(r.getLong("NanoCPUs", 0L), r.getLong("MemoryBytes", 0L));
    }

    boolean isNone() { return nanoCpus <= 0 && memoryBytes <= 0; }

    Reservation plus(Reservation o) { return new Reservation(nanoCpus + o.nanoCpus, memoryBytes + o.memoryBytes); }
  }

  private final Map<String, Integer> total = new HashMap<>();
  private final Map<String, Map<String, Integer>> perService = new HashMap<>();
  private final Map<String, Reservation> reserved = new HashMap<>();

  public static NodeLoad of(Collection<JsonObject> tasks) {
    NodeLoad load = new NodeLoad();
    for (JsonObject t : tasks) {
      String node = t.getString("NodeID");
      // Job tasks (desired "complete") hold their node until they have ended, like running ones.
      boolean holds = Tasks.desired(t).rank() <= TaskState.RUNNING.rank()
          || Tasks.desired(t) == TaskState.COMPLETE && !Tasks.observed(t).isTerminal();
      if (node != null && !node.isEmpty() && holds) {
        load.add(node, t.getString("ServiceID"), Reservation.of(t.getJsonObject("Spec", new JsonObject())));
      }
    }
    return load;
  }

  public void add(String nodeId, String serviceId, Reservation reservation) {
    total.merge(nodeId, 1, Integer::sum);
    perService.computeIfAbsent(serviceId, s -> new HashMap<>()).merge(nodeId, 1, Integer::sum);
    if (!reservation.isNone()) reserved.merge(nodeId, reservation, Reservation::plus);
  }

  int total(String nodeId) { return total.getOrDefault(nodeId, 0); }

  int ofService(String serviceId, String nodeId) {
    return perService.getOrDefault(serviceId, Map.of()).getOrDefault(nodeId, 0);
  }

  /** Whether the node's capacity (its engine's CPUs and memory) still has room for this reservation. */
  boolean fits(JsonObject node, Reservation wanted) {
    if (wanted.isNone()) return true;
    Reservation held = reserved.getOrDefault(node.getString("ID"), Reservation.NONE);
    long cpus = Json.number(node, "Description.Resources.NanoCPUs") == null ? 0 : Json.number(node, "Description.Resources.NanoCPUs");
    long memory = Json.number(node, "Description.Resources.MemoryBytes") == null ? 0 : Json.number(node, "Description.Resources.MemoryBytes");
    return held.nanoCpus() + wanted.nanoCpus() <= cpus && held.memoryBytes() + wanted.memoryBytes() <= memory;
  }
}
