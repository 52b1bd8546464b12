package io.enxame.mesh;

import io.enxame.shared.net.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * This node's mesh counters over HTTP for Prometheus, as dockerd's {@code --metrics-addr} serves the engine's:
 * {@code GET /metrics} in the text exposition format. Read-only and unauthenticated, like dockerd's, so it is
 * off unless an address is given; bind it to loopback or a management network.
 */
final class MetricsEndpoint {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) { this.server = server; }

  static Future<MetricsEndpoint> listen(Vertx vertx, HostPort addr, MeshMetrics metrics) {
    return vertx.createHttpServer().requestHandler(req -> serve(req, metrics)).listen(addr.port(), addr.host())
        .recover(e -> Future.failedFuture(new IllegalStateException("mesh metrics: cannot listen on " + addr + ": " + e.getMessage(), e)))
        .map(MetricsEndpoint::new);
  }

  private static void serve(HttpServerRequest req, MeshMetrics metrics) {
    if (!"/metrics".equals(req.path())) {
      req.response().setStatusCode(404).end("404 page not found\n");
    } else if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
    } else {
      req.response().putHeader("Content-Type", CONTENT_TYPE).end(metrics.toPrometheus());
    }
  }

  int port() { return server.actualPort(); }

  Future<Void> close() { return server.close(); }
}
