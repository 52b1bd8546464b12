package io.enxame.gateway.system;

import io.enxame.gateway.swarm.ClusterReader;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /_ping}, HEAD and GET. Clients negotiate the API version from its headers, and CLI 23+
 * reads {@code Swarm} to decide which commands to show. Answered 200 even when the store is not
 * reachable: the ping is about this daemon, and {@code Swarm: error} says the rest. The CLI gives
 * the ping 2 s, so the store gets one second to answer. A locked manager says {@code Swarm: locked}; a worker's API
 * {@code Swarm: active/worker}.
 */
public final class PingRoutes {
  private static final long STORE_DEADLINE_MS = 1000;

  private final Supplier<Future<String>> swarm;

  /** A manager's: the swarm's state from its store. */
  public PingRoutes(StoreClient store) {
    ClusterReader clusters = new ClusterReader(store);
    this.swarm = () -> store.locked().compose(locked -> locked ? Future.succeededFuture("locked")
        : clusters.cluster().map(c -> c.isPresent() ? "active/manager" : "inactive"));
  }

  /** @param swarm the {@code Swarm} header's value (moby's {@code inactive}, {@code active/worker}, …) */
  public PingRoutes(Supplier<Future<String>> swarm) {
    this.swarm = swarm;
  }

  public void mount(Router router) {
    router.route(HttpMethod.HEAD, "/_ping").handler(this::ping);
    router.get("/_ping").handler(this::ping);
  }

  private void ping(RoutingContext ctx) {
    swarm.get()
        .timeout(STORE_DEADLINE_MS, TimeUnit.MILLISECONDS)
        .otherwise("error")
        .onComplete(ar -> {
          MultiMap h = ctx.response().headers();
          h.set("Swarm", ar.result());
          h.set("Cache-Control", "no-cache, no-store, must-revalidate");
          h.set("Pragma", "no-cache");
          h.set("Content-Type", "text/plain; charset=utf-8");
          if (ctx.request().method() == HttpMethod.HEAD) ctx.response().putHeader("Content-Length", "0").end();
          else ctx.response().end("OK");
        });
  }
}
