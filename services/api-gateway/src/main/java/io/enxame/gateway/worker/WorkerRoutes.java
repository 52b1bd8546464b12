package io.enxame.gateway.worker;

import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.enxame.gateway.swarm.SwarmRoutes;
import io.enxame.gateway.system.DistributionRoute;
import io.enxame.gateway.system.PingRoutes;
import io.enxame.gateway.system.SystemInfo;
import io.enxame.gateway.system.VersionRoute;
import io.enxame.shared.bus.Failures;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A worker's Docker API, shaped like a worker's dockerd: {@code /_ping} ({@code Swarm: active/worker}), {@code /version},
 * {@code /info} (the worker's view), {@code POST /swarm/leave} (with or without {@code force}: a worker just leaves),
 * and moby's 503 for everything that reads or changes the swarm's state (daemon/cluster: {@code lockedManagerAction}
 * answers {@code errSwarmNotManager} on a node that is not an active manager).
 */
public final class WorkerRoutes {
  /** moby's {@code errSwarmNotManager} (daemon/cluster/errors.go), word for word. */
  public static final String NOT_A_MANAGER = "This node is not a swarm manager. Worker nodes can't be used to view or modify"
      + " cluster state. Please run this command on a manager node or promote the current node to a manager.";

  private final WorkerNode node;

  public WorkerRoutes(WorkerNode node) { this.node = node; }

  public void mount(Router router) {
    new PingRoutes(() -> Future.succeededFuture("active/worker")).mount(router);
    new VersionRoute().mount(router);
    new DistributionRoute().mount(router);
    router.get("/info").handler(Replies.of(this::info));
    router.post("/swarm/leave").handler(Replies.of(ctx -> SwarmRoutes.leaveThisNode(ctx.vertx().eventBus())));
    // Already in a swarm: moby's errSwarmExists, as on any node of a swarm.
    router.post("/swarm/init").handler(refuse(SwarmRoutes.ALREADY_IN_SWARM));
    router.post("/swarm/join").handler(refuse(SwarmRoutes.ALREADY_IN_SWARM));
    // Inspect (which docker swarm join-token reads too), update, unlock key, unlock.
    router.get("/swarm").handler(refuse(NOT_A_MANAGER));
    router.post("/swarm/update").handler(refuse(NOT_A_MANAGER));
    router.get("/swarm/unlockkey").handler(refuse(NOT_A_MANAGER));
    router.post("/swarm/unlock").handler(refuse(NOT_A_MANAGER));
    router.routeWithRegex("/(nodes|services|tasks|secrets|configs)(/.*)?").handler(refuse(NOT_A_MANAGER));
    // Networks: every network this API knows is swarm-scoped. moby makes one through the cluster (503 here) and, on a
    // worker, lists and finds only the engine's own networks, which are the engine's API's business, not this one's.
    router.post("/networks/create").handler(refuse(NOT_A_MANAGER));
    router.get("/networks").handler(Replies.of(ctx -> Future.succeededFuture(Reply.ok(new JsonArray()))));
    router.get("/networks/:id").handler(Replies.of(WorkerRoutes::noSuchNetwork));
    router.delete("/networks/:id").handler(Replies.of(WorkerRoutes::noSuchNetwork));
  }

  private Future<Reply> info(RoutingContext ctx) {
    return node.tasks().compose(tasks -> node.managers().map(managers -> Reply.ok(SystemInfo.worker(node.self(), tasks, managers))));
  }

  private static Future<Reply> noSuchNetwork(RoutingContext ctx) {
    return Future.failedFuture(Failures.notFound("network " + ctx.pathParam("id") + " not found"));
  }

  private static Handler<RoutingContext> refuse(String message) {
    return Replies.of(ctx -> Future.failedFuture(Failures.unavailable(message)));
  }
}
