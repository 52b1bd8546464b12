package io.enxame.gateway.system;

import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.enxame.gateway.swarm.ClusterReader;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /_ping}, {@code /version}, {@code /info} and {@code /distribution}. */
public final class SystemRoutes {
  private final StoreClient store;
  private final String selfId;

  public SystemRoutes(StoreClient store, String selfId) {
    this.store = store;
    this.selfId = selfId;
  }

  public void mount(Router router) {
    new PingRoutes(store).mount(router);
    new VersionRoute().mount(router);
    new DistributionRoute().mount(router);
    router.get("/info").handler(Replies.of(this::info));
  }

  private Future<Reply> info(RoutingContext ctx) {
    // One snapshot, so that node counts, the cluster and this node's tasks agree with each other.
    return store.locked().compose(locked -> locked ? Future.succeededFuture(Reply.ok(SystemInfo.locked(selfId)))
        : store.snapshot(Kind.CLUSTER, Kind.NODES, Kind.TASKS).map(snap -> Reply.ok(SystemInfo.build(selfId,
            ClusterReader.single(snap.of(Kind.CLUSTER)), snap.of(Kind.NODES), snap.of(Kind.TASKS)))));
  }
}
