package io.enxame.gateway.worker;

import io.enxame.gateway.GatewayConfig;
import io.enxame.gateway.http.ApiRouter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * A worker's Docker API ({@link WorkerRoutes}), plaintext on the node's loopback only: config {@code "host"} (the
 * node's advertised address: {@link GatewayConfig#plaintextHost(String)} says where it listens) and {@code "port"}
 * (2375; 0: chosen by the OS). A node's process serves it while it runs no control plane: a manager's gateway takes the
 * same port.
 */
public final class WorkerApiVerticle extends VerticleBase {
  private final WorkerNode node;
  private HttpServer server;
  private String host;

  public WorkerApiVerticle(WorkerNode node) { this.node = node; }

  @Override
  public Future<?> start() {
    host = GatewayConfig.plaintextHost(config().getString("host", "127.0.0.1"));
    Router router = ApiRouter.begin(Router.router(vertx));
    new WorkerRoutes(node).mount(router);
    ApiRouter.end(router);
    return vertx.createHttpServer().requestHandler(router).listen(config().getInteger("port", 2375), host).onSuccess(s -> server = s);
  }

  /** Where it listens. */
  public String host() { return host; }

  /** The port actually bound: differs from the configured one when that was 0. */
  public int actualPort() { return server == null ? -1 : server.actualPort(); }
}
