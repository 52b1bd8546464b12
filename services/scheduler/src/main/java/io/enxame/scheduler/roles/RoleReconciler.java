package io.enxame.scheduler.roles;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * swarmkit's role manager, the demotion half: the leading manager's scheduler takes out of the Raft group every member
 * whose node is now a worker ({@code docker node demote} only stores the role, after checking quorum). The store
 * refuses a removal that would lose quorum; it is tried again later. A running manager that finds itself out of the
 * group hands its control plane over and carries on as a worker (the deploy module's RoleFollower).
 */
public final class RoleReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(RoleReconciler.class);
  private static final long RETRY_NANOS = 2_000_000_000L;

  private final ClusterView view;
  private final StoreClient store;
  /** When each member's removal was last asked for: not again within 2 s (the check runs every 200 ms). */
  private final Map<String, Long> asked = new HashMap<>();

  public RoleReconciler(ClusterView view, StoreClient store) {
    this.view = view;
    this.store = store;
  }

  /** {@code members}: the leading store member's view of the group ({@code StoreClient.members()}). */
  public void check(JsonObject members) {
    for (Object o : members.getJsonArray("members")) {
      String id = ((JsonObject) o).getString("id");
      JsonObject node = view.get(Kind.NODES, id);
      if (node == null || !"worker".equals(Json.string(node, "Spec.Role"))) {
        asked.remove(id);
        continue;
      }
      long now = System.nanoTime();
      Long last = asked.get(id);
      if (last != null && now - last < RETRY_NANOS) continue;
      asked.put(id, now);
      LOG.info("node {} was demoted: taking its member out of the Raft group", id);
      store.removeMember(id).onFailure(e -> {
        if (Failures.statusOf(e) != Failures.NOT_FOUND) LOG.warn("member {} not removed yet: {}", id, e.getMessage());
      });
    }
  }
}
