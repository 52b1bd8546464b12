package io.enxame.gateway.tasks;

import io.enxame.gateway.filters.Filters;
import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.enxame.gateway.resolve.Lookup;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Predicate;

/** {@code /tasks}: list with filters, inspect. Tasks are stored Docker-shaped and returned as they are. */
public final class TaskRoutes {
  private final StoreClient store;
  private final Lookup lookup;

  public TaskRoutes(StoreClient store) {
    this.store = store;
    this.lookup = new Lookup(store);
  }

  public void mount(Router router) {
    router.get("/tasks").handler(Replies.of(this::list));
    router.get("/tasks/:id").handler(Replies.of(this::inspect));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Filters filters = Filters.parse(ctx.request().getParam("filters"));
    return store.snapshot(Kind.TASKS, Kind.SERVICES, Kind.NODES).map(snap -> {
      Predicate<JsonObject> matches = TaskFilters.of(filters, snap.of(Kind.SERVICES), snap.of(Kind.NODES));
      return Reply.ok(snap.of(Kind.TASKS).stream().filter(matches).map(TaskRoutes::present)
          .collect(JsonArray::new, JsonArray::add, JsonArray::addAll));
    });
  }

  private Future<Reply> inspect(RoutingContext ctx) {
    return lookup.find(Kind.TASKS, ctx.pathParam("id")).map(t -> Reply.ok(present(t)));
  }

  /** The CLI's task table dereferences Spec.ContainerSpec unconditionally. */
  static JsonObject present(JsonObject task) {
    if (Json.object(task, "Spec.ContainerSpec") != null) return task;
    return Json.put(task.copy(), "Spec.ContainerSpec", new JsonObject());
  }
}
