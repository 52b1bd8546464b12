package io.enxame.gateway.bridge;

import io.enxame.gateway.ManagerPeers;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.BridgeAddresses;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bridge's check of every frame a client sends, before the bridge's own address allow-list: over TLS the peer
 * must be one the manager's API serves ({@link ManagerPeers}); a query must name a readable kind and is rewritten to
 * just that ({@code kind}, and {@code id} for a get) without the frame's headers (which would set delivery options such
 * as the codec); registering is for {@link BridgeAddresses#CHANGES} only, once per connection; publishing is never
 * allowed. A refused frame gets the bridge's error frame ({@code {"type":"err","message":"blocked by bridgeEvent
 * handler"}}).
 */
final class BridgePolicy implements Handler<BridgeEvent> {
  private final ManagerPeers peers;
  /**
   * Connections registered for the changes: the bridge keeps one consumer per address and connection, and a second
   * register would replace it in its map without unregistering it, leaving a consumer that outlives the connection.
   */
  private final Set<NetSocket> following = ConcurrentHashMap.newKeySet();

  BridgePolicy(ManagerPeers peers) { this.peers = peers; }

  @Override
  public void handle(BridgeEvent event) {
    NetSocket socket = event.socket();
    Future<Void> admitted = socket.isSsl() ? peers.admit(peer(socket)) : Future.succeededFuture();
    admitted.onComplete(ar -> event.complete(ar.succeeded() && permits(event)));
  }

  private boolean permits(BridgeEvent event) {
    boolean changes = BridgeAddresses.CHANGES.equals(event.getRawMessage().getValue("address"));
    return switch (event.type()) {
      case SOCKET_PING -> true;
      case REGISTER -> changes && follow(event.socket());
      case REGISTERED -> changes;
      case UNREGISTER -> changes && following.remove(event.socket());
      case SEND -> query(event);
      default -> false;
    };
  }

  private boolean follow(NetSocket socket) {
    if (!following.add(socket)) return false;
    socket.closeHandler(v -> following.remove(socket));
    return true;
  }

  /** Keeps a query to a readable kind, reduced to its fields (the bridge then sends the frame as set here). */
  private static boolean query(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    if (!(frame.getValue("address") instanceof String address) || !BridgeAddresses.QUERIES.contains(address)) return false;
    if (!(frame.getValue("body") instanceof JsonObject body) || !(body.getValue("kind") instanceof String kind)
        || !BridgeAddresses.readable(kind)) {
      return false;
    }
    JsonObject query = new JsonObject().put("kind", kind);
    if (Addresses.STORE_GET.equals(address)) {
      if (!(body.getValue("id") instanceof String id)) return false;
      query.put("id", id);
    }
    JsonObject reduced = frame.copy().put("body", query);
    reduced.remove("headers");
    event.setRawMessage(reduced);
    return true;
  }

  /** The certificate the handshake verified against the swarm's root (client certificates are required). */
  private static Optional<NodeTls.Peer> peer(NetSocket socket) {
    try {
      List<Certificate> chain = socket.peerCertificates();
      if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate cert)) return Optional.empty();
      return Optional.of(NodeTls.peerOf(cert));
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
