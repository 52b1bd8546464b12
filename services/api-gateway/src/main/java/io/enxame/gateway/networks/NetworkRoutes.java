package io.enxame.gateway.networks;

import io.enxame.gateway.filters.Filters;
import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.enxame.gateway.http.Requests;
import io.enxame.gateway.resolve.Lookup;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.NetworkRefs;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code /networks}: the swarm's overlay networks (create, list, inspect, remove, prune). They live in the store;
 * each node's agent makes a network on its engine for the tasks it runs that attach to one (see the agent's
 * EngineNetworks).
 */
public final class NetworkRoutes {
  private static final Set<String> FILTERS = Set.of("driver", "id", "label", "name", "scope", "type", "dangling");
  private static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "until");

  private final StoreClient store;
  private final Lookup lookup;

  public NetworkRoutes(StoreClient store) {
    this.store = store;
    this.lookup = new Lookup(store);
  }

  public void mount(Router router) {
    router.get("/networks").handler(Replies.of(this::list));
    router.post("/networks/create").handler(Replies.of(this::create));
    router.post("/networks/prune").handler(Replies.of(this::prune));
    router.get("/networks/:id").handler(Replies.of(this::inspect));
    router.delete("/networks/:id").handler(Replies.of(this::remove));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Filters f = Filters.parse(ctx.request().getParam("filters")).allowOnly(FILTERS)
        .allowValues("type", Set.of("custom", "builtin")).allowValues("dangling", Set.of("true", "false", "1", "0"));
    return store.snapshot(Kind.NETWORKS, Kind.SERVICES, Kind.TASKS).map(snap -> {
      Predicate<JsonObject> matches = n -> f.prefix("id", n.getString("ID"))
          // moby matches names as regular expressions; a plain substring is what users type
          && f.any("name", v -> Json.string(n, "Spec.Name").contains(v))
          && f.exact("driver", Json.string(n, "DriverState.Name"))
          && f.exact("scope", "swarm")
          && f.exact("type", "custom")
          && f.labels("label", Json.objectOrEmpty(n, "Spec.Labels"))
          && f.any("dangling", v -> isTrue(v) == inUse(n.getString("ID"), snap.of(Kind.SERVICES), snap.of(Kind.TASKS)).isEmpty());
      return Reply.ok(snap.of(Kind.NETWORKS).stream().filter(matches).map(NetworkViews::inspect)
          .collect(JsonArray::new, JsonArray::add, JsonArray::addAll));
    });
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonObject network = NetworkSpecs.fromCreateRequest(Requests.jsonBody(ctx));
    String name = Json.string(network, "Spec.Name");
    return store.tx(StoreOp.create(Kind.NETWORKS, network))
        .recover(t -> Failures.statusOf(t) == Failures.CONFLICT
            ? Future.failedFuture(Failures.conflict("network with name " + name + " already exists")) : Future.failedFuture(t))
        .map(tx -> Reply.created(new JsonObject().put("Id", network.getString("ID")).put("Warning", "")));
  }

  private Future<Reply> inspect(RoutingContext ctx) {
    return lookup.find(Kind.NETWORKS, ctx.pathParam("id")).map(n -> Reply.ok(NetworkViews.inspect(n)));
  }

  /** swarmkit's removeNetwork: refused while a service's spec or a live task uses the network. */
  private Future<Reply> remove(RoutingContext ctx) {
    return lookup.find(Kind.NETWORKS, ctx.pathParam("id")).compose(n -> store.snapshot(Kind.SERVICES, Kind.TASKS).compose(snap -> {
      String id = n.getString("ID");
      Optional<String> user = inUse(id, snap.of(Kind.SERVICES), snap.of(Kind.TASKS));
      if (user.isPresent()) {
        return Future.failedFuture(Failures.badRequest("rpc error: code = FailedPrecondition desc = network " + id + " is in use by " + user.get()));
      }
      return store.tx(StoreOp.delete(Kind.NETWORKS, id));
    })).map(tx -> Reply.empty(204));
  }

  /** Removes every network no service or live task uses (what {@code docker network prune} asks a manager). */
  private Future<Reply> prune(RoutingContext ctx) {
    Filters f = Filters.parse(ctx.request().getParam("filters")).allowOnly(PRUNE_FILTERS);
    if (f.contains("until")) throw Failures.badRequest("the until filter is not supported for swarm networks");
    return store.snapshot(Kind.NETWORKS, Kind.SERVICES, Kind.TASKS).compose(snap -> {
      List<JsonObject> unused = snap.of(Kind.NETWORKS).stream()
          .filter(n -> f.labels("label", Json.objectOrEmpty(n, "Spec.Labels")))
          .filter(n -> f.noLabels("label!", Json.objectOrEmpty(n, "Spec.Labels")))
          .filter(n -> inUse(n.getString("ID"), snap.of(Kind.SERVICES), snap.of(Kind.TASKS)).isEmpty())
          .toList();
      JsonArray deleted = new JsonArray();
      unused.forEach(n -> deleted.add(Json.string(n, "Spec.Name")));
      Future<?> tx = unused.isEmpty() ? Future.succeededFuture()
          : store.tx(unused.stream().map(n -> StoreOp.deleteIfExists(Kind.NETWORKS, n.getString("ID"))).toList());
      return tx.map(v -> Reply.ok(new JsonObject().put("NetworksDeleted", deleted)));
    });
  }

  /** "service ID" or "task ID" of the first user of the network, as swarmkit names it. */
  private static Optional<String> inUse(String networkId, List<JsonObject> services, List<JsonObject> tasks) {
    for (JsonObject s : services) {
      if (NetworkRefs.ids(Json.object(s, "Spec.TaskTemplate")).contains(networkId)) return Optional.of("service " + s.getString("ID"));
    }
    for (JsonObject t : tasks) {
      boolean live = Tasks.desired(t).rank() <= TaskState.RUNNING.rank() && Tasks.observed(t).rank() <= TaskState.RUNNING.rank();
      if (live && NetworkRefs.attached(t).contains(networkId)) return Optional.of("task " + t.getString("ID"));
    }
    return Optional.empty();
  }

  private static boolean isTrue(String v) { return "true".equals(v) || "1".equals(v); }
}
