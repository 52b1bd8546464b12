package io.enxame.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Strips a {@code /v1.xx} prefix and routes the rest, so that every route is declared once,
 * unprefixed. The version stays on the context for the few endpoints whose behaviour depends on it.
 */
public final class VersionPrefix implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    ApiVersions.Split split = ApiVersions.split(req.path());
    if (split.version() == null) {
      ctx.next();
      return;
    }
    ctx.put(Requests.API_VERSION, split.version());
    String query = req.query();
    ctx.reroute(req.method(), query == null ? split.path() : split.path() + "?" + query);
  }
}
