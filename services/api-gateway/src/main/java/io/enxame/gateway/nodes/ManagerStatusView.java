package io.enxame.gateway.nodes;

import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * MANAGER STATUS from the live Raft state rather than what was stored when the node joined: a node
 * whose ID is a member of the store's group shows {@code Leader} and {@code Reachability}
 * (reachable / unreachable / unknown, Docker's values) as the answering store member sees them.
 */
final class ManagerStatusView {
  private final StoreClient store;

  ManagerStatusView(StoreClient store) { this.store = store; }

  /** The overlay for the group as it is now; nodes unchanged when the store cannot say. */
  Future<UnaryOperator<JsonObject>> current() {
    return store.leaderView().map(ManagerStatusView::overlay).otherwise(UnaryOperator.identity());
  }

  static UnaryOperator<JsonObject> overlay(JsonObject view) {
    Map<String, JsonObject> members = new HashMap<>();
    view.getJsonArray("members").forEach(o -> members.put(((JsonObject) o).getString("id"), (JsonObject) o));
    return node -> {
      JsonObject member = members.get(node.getString("ID"));
      if (member == null || !member.getBoolean("voter", true)) return node;
      JsonObject status = node.getJsonObject("ManagerStatus", new JsonObject()).copy()
          .put("Leader", member.getBoolean("leader", false))
          .put("Reachability", member.getString("reachability", "unknown"));
      return node.copy().put("ManagerStatus", status);
    };
  }
}
