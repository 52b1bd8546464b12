package io.enxame.gateway;

import io.enxame.gateway.bridge.EventBusBridge;
import io.enxame.gateway.events.EventLog;
import io.enxame.gateway.events.EventRoutes;
import io.enxame.gateway.http.ApiRouter;
import io.enxame.gateway.logs.LogRoutes;
import io.enxame.gateway.networks.NetworkRoutes;
import io.enxame.gateway.nodes.NodeRoutes;
import io.enxame.gateway.secrets.SecretRoutes;
import io.enxame.gateway.services.ServiceRoutes;
import io.enxame.gateway.swarm.SwarmRoutes;
import io.enxame.gateway.system.SystemRoutes;
import io.enxame.gateway.tasks.TaskRoutes;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.model.Kind;
import io.vertx.ext.web.RoutingContext;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.vault.VaultClient;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * api-gateway: the Docker Engine API (swarm subset) over HTTP (plaintext on loopback only, TLS on the advertised
 * address: {@link GatewayConfig}) and, with a {@code bridgePort}, the TCP event-bus bridge
 * ({@link EventBusBridge}). It holds no state of its own and reaches the rest of Enxame only through the store's and
 * the secrets service's event-bus APIs.
 */
public final class GatewayVerticle extends VerticleBase {
  private HttpServer server;
  private EventLog events;
  /** In memory only: configs' data is released to this key for inspect, so it is not in plaintext on the bus. */
  private final SealedBox.KeyPair configKey = SealedBox.generate();
  private HttpServer tlsServer;
  private EventBusBridge bridge;

  @Override
  public Future<?> start() {
    GatewayConfig cfg = GatewayConfig.fromJson(config());
    StoreClient store = new StoreClient(vertx.eventBus());
    ManagerPeers peers = new ManagerPeers(store);
    events = new EventLog(vertx, store);
    return events.start()
        .compose(v -> vertx.createHttpServer().requestHandler(router(cfg, store, null)).listen(cfg.port(), cfg.plaintextHost()))
        .onSuccess(s -> server = s)
        .compose(s -> cfg.tls().map(tls -> listenTls(cfg, tls, store, peers)).orElse(Future.succeededFuture()))
        .compose(s -> cfg.bridgePort() < 0 ? Future.succeededFuture() : startBridge(cfg, peers));
  }

  private Future<Void> startBridge(GatewayConfig cfg, ManagerPeers peers) {
    bridge = new EventBusBridge(vertx, peers, cfg.host(), cfg.bridgePort(), cfg.bridgeTlsFiles());
    return bridge.start();
  }

  /** 2376: client certificates required and verified against the swarm's root; only managers' are served. */
  private Future<HttpServer> listenTls(GatewayConfig cfg, NodeTls tls, StoreClient store, ManagerPeers peers) {
    HttpServerOptions options = tls.server(new HttpServerOptions()).setUseAlpn(false).setClientAuth(ClientAuth.REQUIRED);
    return vertx.createHttpServer(options).requestHandler(router(cfg, store, peers)).listen(cfg.tlsPort(), cfg.host())
        .onSuccess(s -> tlsServer = s);
  }

  private static void forbidden(RoutingContext ctx, String message) {
    ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json")
        .end(new io.vertx.core.json.JsonObject().put("message", message).encode());
  }

  /** The TLS port actually bound, or -1 without TLS. */
  public int actualTlsPort() {
    return tlsServer == null ? -1 : tlsServer.actualPort();
  }

  /** The event-bus bridge's port, or -1 without a bridge. */
  public int actualBridgePort() {
    return bridge == null ? -1 : bridge.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> bridgeStopped = bridge == null ? Future.succeededFuture() : bridge.stop();
    return bridgeStopped.eventually(() -> events == null ? Future.succeededFuture() : events.stop());
  }

  /** The port actually bound: differs from the configured one when that was 0. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** @param peers null on the plaintext port; on the TLS port, whom it serves */
  private Router router(GatewayConfig cfg, StoreClient store, ManagerPeers peers) {
    Router router = Router.router(vertx);
    if (peers != null) {
      router.route().handler(ctx -> {
        // The body waits (paused) for the body handler, which comes after the peer's look-up in the store.
        ctx.request().pause();
        peers.admit(NodeTls.peer(ctx.request().connection())).onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.next();
            return;
          }
          ctx.request().resume();
          if (ManagerPeers.refused(ar.cause())) forbidden(ctx, ar.cause().getMessage());
          else ctx.fail(ar.cause());
        });
      });
    }
    ApiRouter.begin(router);
    new SystemRoutes(store, cfg.nodeId()).mount(router);
    new SwarmRoutes(store, vertx.eventBus()).mount(router);
    new NodeRoutes(store, cfg.nodeId()).mount(router);
    new ServiceRoutes(store).mount(router);
    new TaskRoutes(store).mount(router);
    new EventRoutes(vertx, events).mount(router);
    new LogRoutes(vertx, store).mount(router);
    new NetworkRoutes(store).mount(router);
    VaultClient vault = new VaultClient(vertx.eventBus());
    new SecretRoutes(Kind.SECRETS, store, vault, configKey).mount(router);
    new SecretRoutes(Kind.CONFIGS, store, vault, configKey).mount(router);
    return ApiRouter.end(router);
  }
}
