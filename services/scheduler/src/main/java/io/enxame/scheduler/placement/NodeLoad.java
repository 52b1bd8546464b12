package io.enxame.scheduler.placement;

import io.enxame.shared.model.Tasks;
import io.enxame.shared.model.TaskState;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Live tasks per node, overall and per service: what spread placement balances. Updated as a pass places tasks. */
public final class NodeLoad {
  private final Map<String, Integer> total = new HashMap<>();
  private final Map<String, Map<String, Integer>> perService = new HashMap<>();

  public static NodeLoad of(Collection<JsonObject> tasks) {
    NodeLoad load = new NodeLoad();
    for (JsonObject t : tasks) {
      String node = t.getString("NodeID");
      if (node != null && !node.isEmpty() && Tasks.desired(t).rank() <= TaskState.RUNNING.rank()) {
        load.add(node, t.getString("ServiceID"));
      }
    }
    return load;
  }

  public void add(String nodeId, String serviceId) {
    total.merge(nodeId, 1, Integer::sum);
    perService.computeIfAbsent(serviceId, s -> new HashMap<>()).merge(nodeId, 1, Integer::sum);
  }

  int total(String nodeId) { return total.getOrDefault(nodeId, 0); }

  int ofService(String serviceId, String nodeId) {
    return perService.getOrDefault(serviceId, Map.of()).getOrDefault(nodeId, 0);
  }
}
