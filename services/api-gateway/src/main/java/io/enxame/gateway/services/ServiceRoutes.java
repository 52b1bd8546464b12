package io.enxame.gateway.services;

import io.enxame.gateway.filters.Filters;
import io.enxame.gateway.http.ApiVersions;
import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.enxame.gateway.http.Requests;
import io.enxame.gateway.resolve.Lookup;
import io.enxame.gateway.networks.NetworkTargets;
import io.enxame.gateway.secrets.References;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** {@code /services}: list, create, inspect, update (and rollback), remove. */
public final class ServiceRoutes {
  /** swarmkit's AlreadyExists, as moby relays it. */
  static final String NAME_CONFLICT = "rpc error: code = AlreadyExists desc = name conflicts with an existing object";

  private final StoreClient store;
  private final Lookup lookup;

  public ServiceRoutes(StoreClient store) {
    this.store = store;
    this.lookup = new Lookup(store);
  }

  public void mount(Router router) {
    router.get("/services").handler(Replies.of(this::list));
    router.post("/services/create").handler(Replies.of(this::create));
    router.get("/services/:id").handler(Replies.of(this::inspect));
    router.post("/services/:id/update").handler(Replies.of(this::update));
    router.delete("/services/:id").handler(Replies.of(this::remove));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Predicate<JsonObject> matches = ServiceFilters.of(Filters.parse(ctx.request().getParam("filters")));
    // moby ignores status= below 1.41, where clients compute the counts themselves.
    boolean status = Requests.bool(ctx, "status") && ApiVersions.atLeast(Requests.apiVersion(ctx), "1.41");
    if (!status) {
      return store.list(Kind.SERVICES).map(services -> Reply.ok(services.stream().filter(matches)
          .map(ServiceRoutes::present).collect(JsonArray::new, JsonArray::add, JsonArray::addAll)));
    }
    return store.snapshot(Kind.SERVICES, Kind.TASKS).map(snap -> {
      Map<String, List<JsonObject>> tasksByService = snap.of(Kind.TASKS).stream()
          .collect(Collectors.groupingBy(t -> t.getString("ServiceID", "")));
      JsonArray out = new JsonArray();
      snap.of(Kind.SERVICES).stream().filter(matches).forEach(s -> out.add(present(s).put("ServiceStatus",
          ServiceStatus.of(s, tasksByService.getOrDefault(s.getString("ID"), List.of())))));
      return Reply.ok(out);
    });
  }

  private Future<Reply> create(RoutingContext ctx) {
    // Headers "version" (CLI 20.10) and X-Registry-Auth are accepted and ignored: nodes pull themselves.
    JsonObject spec = ServiceSpecs.normalize(Requests.jsonBody(ctx));
    return checkReferences(spec).compose(v -> store.list(Kind.SERVICES)).compose(services -> {
      JsonObject service = new JsonObject().put("ID", Ids.newId()).put("Spec", spec)
          .put("Endpoint", Endpoints.allocate(spec, null, services));
      if (ServiceSpecs.isJob(spec)) service.put("JobStatus", ServiceUpdate.jobStatus(0));
      return store.tx(StoreOp.create(Kind.SERVICES, service));
    }).recover(t -> Failures.statusOf(t) == Failures.CONFLICT
        ? Future.failedFuture(Failures.conflict(NAME_CONFLICT)) : Future.failedFuture(t))
      .map(tx -> Reply.created(new JsonObject().put("ID", tx.first().getString("ID")).put("Warnings", new JsonArray())));
  }

  private Future<Reply> inspect(RoutingContext ctx) {
    boolean insertDefaults = Requests.bool(ctx, "insertDefaults");
    return lookup.find(Kind.SERVICES, ctx.pathParam("id")).map(s -> {
      JsonObject view = present(s);
      if (insertDefaults) view.put("Spec", ServiceDefaults.insert(view.getJsonObject("Spec")));
      return Reply.ok(view);
    });
  }

  private Future<Reply> update(RoutingContext ctx) {
    long version = Requests.version(ctx, "service");
    // A rollback restores PreviousSpec; the CLI sends the current spec along, which moby ignores too.
    JsonObject spec = "previous".equals(ctx.request().getParam("rollback")) ? null : ServiceSpecs.normalize(Requests.jsonBody(ctx));
    return (spec == null ? Future.<Void>succeededFuture() : checkReferences(spec))
        .compose(v -> lookup.find(Kind.SERVICES, ctx.pathParam("id")))
        .compose(current -> {
          if (Json.version(current) != version) return Future.failedFuture(Failures.conflict("update out of sequence"));
          return store.list(Kind.SERVICES).compose(all -> {
            List<JsonObject> others = all.stream().filter(s -> !current.getString("ID").equals(s.getString("ID"))).toList();
            return store.tx(StoreOp.update(Kind.SERVICES, ServiceUpdate.next(current, spec, version, others), version));
          });
        })
        .map(tx -> Reply.ok(new JsonObject().putNull("Warnings")));
  }

  /** The service and all its tasks go in one transaction, so that {@code stack rm} sees the tasks vanish at once. */
  private Future<Reply> remove(RoutingContext ctx) {
    return lookup.find(Kind.SERVICES, ctx.pathParam("id"))
        .compose(service -> store.list(Kind.TASKS).compose(tasks -> {
          String id = service.getString("ID");
          List<JsonObject> ops = new ArrayList<>();
          ops.add(StoreOp.delete(Kind.SERVICES, id));
          tasks.stream().filter(t -> id.equals(t.getString("ServiceID")))
              .forEach(t -> ops.add(StoreOp.deleteIfExists(Kind.TASKS, t.getString("ID"))));
          return store.tx(ops);
        }))
        .map(tx -> Reply.empty(200));
  }

  /**
   * Every secret and config the spec uses must exist (swarmkit refuses the spec otherwise); its networks, named
   * by ID, name or ID prefix, are resolved to IDs in place (moby's populateNetworkID).
   */
  private Future<Void> checkReferences(JsonObject spec) {
    return store.snapshot(Kind.SECRETS, Kind.CONFIGS, Kind.NETWORKS).map(snap -> {
      References.checkExist(Kind.SECRETS, spec, snap.of(Kind.SECRETS));
      References.checkExist(Kind.CONFIGS, spec, snap.of(Kind.CONFIGS));
      NetworkTargets.resolve(spec, snap.of(Kind.NETWORKS));
      return null;
    });
  }

  /** A stored service as clients expect it: Endpoint filled in and ContainerSpec never null. */
  static JsonObject present(JsonObject service) {
    JsonObject view = service.copy();
    if (Json.object(view, "Spec.TaskTemplate.ContainerSpec") == null) Json.put(view, "Spec.TaskTemplate.ContainerSpec", new JsonObject());
    view.put("Endpoint", Endpoints.present(view));
    return view;
  }
}
