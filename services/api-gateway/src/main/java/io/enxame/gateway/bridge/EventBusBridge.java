package io.enxame.gateway.bridge;

import io.enxame.gateway.ManagerPeers;
import io.enxame.shared.bus.BridgeAddresses;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;

import java.util.Optional;

/**
 * The gateway's TCP event-bus bridge (vertx-tcp-eventbus-bridge; frames are a 4-byte big-endian length and a JSON
 * object): event-bus clients read nodes, services, tasks and networks ({@link BridgeAddresses#QUERIES}) and follow
 * their changes ({@link BridgeAddresses#CHANGES}), and reach nothing else. Two checks refuse the rest: the bridge's
 * address allow-list and {@link BridgePolicy} on every frame. With {@code tls} it serves TLS only, with client
 * certificates required and verified against the swarm's root, from the managers' API's peers ({@link ManagerPeers});
 * without, plaintext (the gateway's config allows that on loopback only).
 */
public final class EventBusBridge {
  /** Tries at an OS-chosen port: the bridge does not tell the port it bound, so one is picked first, then bound. */
  private static final int FREE_PORT_TRIES = 3;

  private final Vertx vertx;
  private final ManagerPeers peers;
  private final String host;
  private final int port;
  private final Optional<NodeTls> tls;
  private final ChangeRelay relay;
  private TcpEventBusBridge bridge;
  private int actualPort = -1;

  public EventBusBridge(Vertx vertx, ManagerPeers peers, String host, int port, Optional<NodeTls> tls) {
    this.vertx = vertx;
    this.peers = peers;
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.relay = new ChangeRelay(vertx);
  }

  public Future<Void> start() {
    return relay.start().compose(v -> port == 0 ? listenOnFreePort(FREE_PORT_TRIES) : listen(port));
  }

  public Future<Void> stop() {
    TcpEventBusBridge b = bridge;
    bridge = null;
    return (b == null ? Future.<Void>succeededFuture() : b.close()).eventually(relay::stop);
  }

  /** The port bound, or -1 before it is. */
  public int actualPort() { return actualPort; }

  private Future<Void> listenOnFreePort(int tries) {
    return vertx.createNetServer().connectHandler(NetSocket::close).listen(0, host)
        .compose(probe -> {
          int free = probe.actualPort();
          return probe.close().map(free);
        })
        .compose(this::listen)
        .recover(e -> tries > 1 ? listenOnFreePort(tries - 1) : Future.failedFuture(e));
  }

  private Future<Void> listen(int p) {
    TcpEventBusBridge b = TcpEventBusBridge.create(vertx, permitted(), serverOptions(), new BridgePolicy(peers));
    return b.listen(p, host)
        .onSuccess(x -> {
          bridge = b;
          actualPort = p;
        })
        .onFailure(e -> b.close())
        .mapEmpty();
  }

  private static BridgeOptions permitted() {
    BridgeOptions options = new BridgeOptions().addOutboundPermitted(new PermittedOptions().setAddress(BridgeAddresses.CHANGES));
    BridgeAddresses.QUERIES.forEach(a -> options.addInboundPermitted(new PermittedOptions().setAddress(a)));
    return options;
  }

  /** TLS as the gateway's 2376 listener has it (the same files and managers, read again when they change). */
  private NetServerOptions serverOptions() {
    return tls.map(t -> new NetServerOptions(t.server(new HttpServerOptions())).setUseAlpn(false).setClientAuth(ClientAuth.REQUIRED))
        .orElseGet(NetServerOptions::new);
  }
}
