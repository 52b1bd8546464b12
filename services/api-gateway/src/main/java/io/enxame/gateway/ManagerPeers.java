package io.enxame.gateway;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * Whom the gateway's TLS listeners (2376 and the event-bus bridge) serve: manager-role certificates of the swarm's
 * root. A user's (a client bundle, CN {@code client-…}) names no node and is served by its role; a node's manager
 * certificate only while the store holds that node as a manager, since one demoted and removed keeps a valid
 * certificate until it expires (as on the dispatcher, where its session is refused).
 */
public final class ManagerPeers {
  public static final int FORBIDDEN = 403;
  static final String MANAGER_ONLY = "This node is not a swarm manager. Worker certificates cannot use the manager's API.";

  private final StoreClient store;

  public ManagerPeers(StoreClient store) { this.store = store; }

  /** Succeeds when the peer is served; fails with 403 and the reason, or with the store's failure when it could not tell. */
  public Future<Void> admit(Optional<NodeTls.Peer> verified) {
    NodeTls.Peer peer = verified.filter(NodeTls.Peer::manager).orElse(null);
    if (peer == null) return Future.failedFuture(Failures.of(FORBIDDEN, MANAGER_ONLY));
    if (peer.user()) return Future.succeededFuture();
    return store.get(Kind.NODES, peer.nodeId()).transform(ar -> {
      if (ar.succeeded() && "manager".equals(Json.string(ar.result(), "Spec.Role"))) return Future.succeededFuture();
      if (ar.failed() && Failures.statusOf(ar.cause()) != Failures.NOT_FOUND) return Future.failedFuture(ar.cause());
      return Future.failedFuture(Failures.of(FORBIDDEN, "node " + peer.nodeId() + " is not a manager of this swarm"));
    });
  }

  /** Whether a failure of {@link #admit} is a refusal (rather than the store failing). */
  public static boolean refused(Throwable failure) { return Failures.statusOf(failure) == FORBIDDEN; }
}
