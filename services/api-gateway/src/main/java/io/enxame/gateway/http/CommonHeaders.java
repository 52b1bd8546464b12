package io.enxame.gateway.http;

import io.enxame.gateway.Product;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/** The headers moby's version middleware puts on every response. */
public final class CommonHeaders implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    // Set eagerly: a reroute clears response headers, but it also runs this handler again.
    MultiMap h = ctx.response().headers();
    h.set("Api-Version", ApiVersions.MAX);
    h.set("Ostype", Product.OS);
    h.set("Docker-Experimental", "false");
    h.set("Server", "Enxame/" + Product.VERSION + " (" + Product.OS + ")");
    ctx.next();
  }
}
