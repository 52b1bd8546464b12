package io.enxame.gateway;

import io.enxame.gateway.events.EventLog;
import io.enxame.gateway.events.EventRoutes;
import io.enxame.gateway.http.CommonHeaders;
import io.enxame.gateway.http.ErrorResponder;
import io.enxame.gateway.http.VersionPrefix;
import io.enxame.gateway.logs.LogRoutes;
import io.enxame.gateway.networks.NetworkRoutes;
import io.enxame.gateway.nodes.NodeRoutes;
import io.enxame.gateway.secrets.SecretRoutes;
import io.enxame.gateway.services.ServiceRoutes;
import io.enxame.gateway.swarm.SwarmRoutes;
import io.enxame.gateway.system.SystemRoutes;
import io.enxame.gateway.tasks.TaskRoutes;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
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
import io.vertx.ext.web.handler.BodyHandler;

/**
 * api-gateway: the Docker Engine API (swarm subset) over HTTP. It holds no state of its own and
 * reaches the rest of Enxame only through the store's and the secrets service's event-bus APIs.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final long BODY_LIMIT = 16 * 1024 * 1024;

  static final String MANAGER_ONLY = "This node is not a swarm manager. Worker certificates cannot use the manager's API.";

  private HttpServer server;
  private EventLog events;
  /** In memory only: configs' data is released to this key for inspect, so it is not in plaintext on the bus. */
  private final SealedBox.KeyPair configKey = SealedBox.generate();
  private HttpServer tlsServer;

  @Override
  public Future<?> start() {
    GatewayConfig cfg = GatewayConfig.fromJson(config());
    StoreClient store = new StoreClient(vertx.eventBus());
    events = new EventLog(vertx, store);
    return events.start()
        .compose(v -> vertx.createHttpServer().requestHandler(router(cfg, store, false)).listen(cfg.port(), cfg.host()))
        .onSuccess(s -> server = s)
        .compose(s -> cfg.tls().map(tls -> listenTls(cfg, tls, store)).orElse(Future.succeededFuture()));
  }

  /** 2376: client certificates required and verified against the swarm's root; only managers' are served. */
  private Future<HttpServer> listenTls(GatewayConfig cfg, NodeTls tls, StoreClient store) {
    HttpServerOptions options = tls.server(new HttpServerOptions()).setUseAlpn(false).setClientAuth(ClientAuth.REQUIRED);
    return vertx.createHttpServer(options).requestHandler(router(cfg, store, true)).listen(cfg.tlsPort(), cfg.host())
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

  @Override
  public Future<?> stop() {
    return events == null ? Future.succeededFuture() : events.stop();
  }

  /** The port actually bound: differs from the configured one when that was 0. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private Router router(GatewayConfig cfg, StoreClient store, boolean managersOnly) {
    Router router = Router.router(vertx);
    if (managersOnly) {
      router.route().handler(ctx -> {
        NodeTls.Peer peer = NodeTls.peer(ctx.request().connection()).filter(NodeTls.Peer::manager).orElse(null);
        if (peer == null) {
          forbidden(ctx, MANAGER_ONLY);
        } else if (peer.user()) {
          ctx.next();
        } else {
          // A node's manager certificate serves only while the node is a manager of the swarm: one demoted and
          // removed keeps a valid certificate until it expires, as on the dispatcher, where sessions are refused.
          // The body waits (paused) for the body handler, which comes after this look-up.
          ctx.request().pause();
          store.get(Kind.NODES, peer.nodeId()).onComplete(ar -> {
            if (ar.succeeded() && "manager".equals(Json.string(ar.result(), "Spec.Role"))) {
              ctx.next();
              return;
            }
            ctx.request().resume();
            if (ar.failed() && Failures.statusOf(ar.cause()) != Failures.NOT_FOUND) ctx.fail(ar.cause());
            else forbidden(ctx, "node " + peer.nodeId() + " is not a manager of this swarm");
          });
        }
      });
    }
    router.route().handler(new CommonHeaders());
    router.route().handler(new VersionPrefix());
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
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
    router.route().failureHandler(ErrorResponder::failure);
    router.errorHandler(404, ErrorResponder::notFound);
    router.errorHandler(405, ErrorResponder::notFound);
    return router;
  }
}
