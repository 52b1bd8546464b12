package io.enxame.scheduler.dispatcher;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.net.HostPort;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.util.Optional;
import java.util.function.Function;

/**
 * The other manager whose dispatcher holds a node's session, as the store says ({@code Status.Dispatcher} of the node,
 * {@code ManagerStatus.Addr} of that manager): where the log broker forwards the node's part of a subscription.
 */
record SessionHolder(String managerId, SocketAddress dispatcher) {

  /**
   * Empty when this manager ({@code self}; null with one manager only) holds the session, when nobody does (the node
   * is down or unknown), or when the holder is no manager with a dispatcher address any more.
   */
  static Optional<SessionHolder> elsewhere(Function<String, JsonObject> nodes, String self, String nodeId) {
    JsonObject node = nodes.apply(nodeId);
    if (self == null || node == null || !"ready".equals(Json.string(node, "Status.State"))) return Optional.empty();
    String holder = Json.string(node, "Status." + DispatcherServer.HOLDER);
    if (holder == null || holder.equals(self)) return Optional.empty();
    JsonObject manager = nodes.apply(holder);
    String addr = manager == null || !"manager".equals(Json.string(manager, "Spec.Role")) ? null : Json.string(manager, "ManagerStatus.Addr");
    if (addr == null || addr.isEmpty()) return Optional.empty();
    try {
      return Optional.of(new SessionHolder(holder, HostPort.parse(addr).socketAddress()));
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }

  static Optional<SessionHolder> elsewhere(io.enxame.scheduler.view.ClusterView view, String self, String nodeId) {
    return elsewhere(id -> view.get(Kind.NODES, id), self, nodeId);
  }
}
