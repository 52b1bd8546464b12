package io.enxame.gateway.nodes;

import io.enxame.gateway.filters.Filters;
import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.enxame.gateway.http.Requests;
import io.enxame.gateway.resolve.IdResolver;
import io.enxame.gateway.resolve.Lookup;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.function.Predicate;

/** {@code /nodes}: list, inspect, update (role, availability, labels), remove. */
public final class NodeRoutes {
  private final StoreClient store;
  private final Lookup lookup;
  private final ManagerStatusView managerStatus;
  private final String selfId;

  public NodeRoutes(StoreClient store, String selfId) {
    this.store = store;
    this.lookup = new Lookup(store);
    this.managerStatus = new ManagerStatusView(store);
    this.selfId = selfId;
  }

  public void mount(Router router) {
    router.get("/nodes").handler(Replies.of(this::list));
    router.get("/nodes/:id").handler(Replies.of(this::inspect));
    router.post("/nodes/:id/update").handler(Replies.of(this::update));
    router.delete("/nodes/:id").handler(Replies.of(this::remove));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Predicate<JsonObject> matches = NodeFilters.of(Filters.parse(ctx.request().getParam("filters")));
    return managerStatus.current().compose(live -> store.list(Kind.NODES).map(nodes -> Reply.ok(nodes.stream()
        .map(live).filter(matches).collect(JsonArray::new, JsonArray::add, JsonArray::addAll))));
  }

  private Future<Reply> inspect(RoutingContext ctx) {
    return managerStatus.current().compose(live -> lookup.find(Kind.NODES, ctx.pathParam("id")).map(live).map(Reply::ok));
  }

  private Future<Reply> update(RoutingContext ctx) {
    long version = Requests.version(ctx, "node");
    JsonObject spec = NodeSpecs.normalize(Requests.jsonBody(ctx));
    return store.list(Kind.NODES).compose(nodes -> {
      JsonObject node = resolve(ctx, nodes);
      if (Json.version(node) != version) return Future.failedFuture(Failures.conflict("update out of sequence"));
      JsonObject updated = node.copy().put("Spec", spec);
      if (!isManager(node) || !"worker".equals(spec.getString("Role"))) return store.tx(StoreOp.update(Kind.NODES, updated, version));
      if (nodes.stream().filter(NodeRoutes::isManager).count() <= 1) {
        return Future.failedFuture(Failures.badRequest(failedPrecondition("attempting to demote the last manager of the swarm")));
      }
      updated.remove("ManagerStatus");
      // As swarmkit: the demotion is refused when taking the member out would lose quorum; once the role is stored,
      // the leader's scheduler takes the member out of the Raft group (RoleReconciler) and a running manager hands
      // its control plane over and carries on as a worker (the deploy module's RoleFollower).
      return store.checkRemoveMember(node.getString("ID"))
          .recover(e -> switch (Failures.statusOf(e)) {
            case Failures.NOT_FOUND -> Future.succeededFuture(); // not a member (any more): nothing to check
            case Failures.BAD_REQUEST -> Future.failedFuture(Failures.badRequest(failedPrecondition(e.getMessage()))); // quorum
            default -> Future.failedFuture(e);
          })
          .compose(v -> store.tx(StoreOp.update(Kind.NODES, updated, version)));
    }).map(tx -> Reply.empty(200));
  }

  /** swarmkit's RemoveNode rules: managers must be demoted first; a live node only goes with force. */
  private Future<Reply> remove(RoutingContext ctx) {
    boolean force = Requests.bool(ctx, "force");
    return store.list(Kind.NODES).compose(nodes -> {
      JsonObject node = resolve(ctx, nodes);
      String id = node.getString("ID");
      if (isManager(node) || id.equals(selfId)) {
        return Future.failedFuture(Failures.badRequest(failedPrecondition("node " + id
            + " is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal")));
      }
      if (!force && !"down".equals(Json.string(node, "Status.State"))) {
        return Future.failedFuture(Failures.badRequest(failedPrecondition("node " + id + " is not down and can't be removed")));
      }
      return store.tx(StoreOp.delete(Kind.NODES, id));
    }).map(tx -> Reply.empty(200));
  }

  /**
   * swarmkit refuses these with gRPC's FailedPrecondition, and moby passes the gRPC error's text on (HTTP 400), so
   * the CLI prints "Error response from daemon: rpc error: code = FailedPrecondition desc = …".
   */
  static String failedPrecondition(String desc) { return "rpc error: code = FailedPrecondition desc = " + desc; }

  private static JsonObject resolve(RoutingContext ctx, List<JsonObject> nodes) {
    return IdResolver.resolve("node", ctx.pathParam("id"), nodes, Lookup.namesOf(Kind.NODES));
  }

  static boolean isManager(JsonObject node) {
    return "manager".equals(Json.string(node, "Spec.Role"));
  }
}
