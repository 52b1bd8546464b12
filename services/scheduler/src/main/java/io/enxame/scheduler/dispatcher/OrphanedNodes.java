package io.enxame.scheduler.dispatcher;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Nodes left behind by a manager that went away. A dispatcher marks down only the nodes whose session it holds, so
 * when a manager's process dies nobody would mark its nodes down: the leading manager's scheduler does, for every node
 * still ready on a manager that the Raft leader no longer hears from (unreachable, or no longer a member). Agents
 * move to another manager within a heartbeat or two, long before the leader calls a member unreachable (3 s), so what
 * is left then is a node that went down with its manager (its own process, or a worker that cannot reach any), whose
 * tasks are then replaced elsewhere.
 */
public final class OrphanedNodes {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanedNodes.class);

  private final Vertx vertx;
  private final ClusterView view;
  private final StoreClient store;
  /** When each node was last marked down: not again within 5 s (the check runs more often than the view catches up). */
  private final Map<String, Long> marking = new HashMap<>();

  public OrphanedNodes(Vertx vertx, ClusterView view, StoreClient store) {
    this.vertx = vertx;
    this.view = view;
    this.store = store;
  }

  /** {@code members}: the leading store member's view of the group ({@code StoreClient.members()}). */
  public void check(JsonObject members) {
    Map<String, String> reachability = new HashMap<>();
    members.getJsonArray("members").forEach(o -> {
      JsonObject m = (JsonObject) o;
      reachability.put(m.getString("id"), m.getString("reachability", "unknown"));
    });
    for (JsonObject node : view.all(Kind.NODES)) {
      String holder = Json.string(node, "Status." + DispatcherServer.HOLDER);
      if (holder == null || !"ready".equals(Json.string(node, "Status.State"))) {
        marking.remove(node.getString("ID"));
        continue;
      }
      String reach = reachability.get(holder);
      if (reach != null && !"unreachable".equals(reach)) continue;
      long now = System.nanoTime();
      Long last = marking.get(node.getString("ID"));
      if (last != null && now - last < 5_000_000_000L) continue;
      marking.put(node.getString("ID"), now);
      LOG.warn("node {} was held by manager {}, which is {}: marking it down", node.getString("ID"), holder,
          reach == null ? "no longer a manager" : "unreachable");
      DispatcherServer.markDown(vertx, view, store, node.getString("ID"), holder, 0);
    }
  }
}
