package io.enxame.gateway.secrets;

import io.enxame.gateway.filters.Filters;
import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.enxame.gateway.http.Requests;
import io.enxame.gateway.resolve.Lookup;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.crypto.Released;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.vault.VaultClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code /secrets} and {@code /configs}: list, create, inspect, update (labels only), remove. The data goes
 * to the secrets service sealed to its transit key; stored objects hold it sealed in {@code Sealed}, which is
 * never returned. A config's data is returned (as Docker does): the gateway has it released to its own
 * in-memory key pair and opens it here, so it is not in plaintext on the bus either.
 */
public final class SecretRoutes {
  private static final Set<String> FILTERS = Set.of("id", "label", "name", "names");

  private final Kind kind;
  private final String noun;
  private final StoreClient store;
  private final VaultClient vault;
  private final Lookup lookup;
  private final SealedBox.KeyPair own;

  public SecretRoutes(Kind kind, StoreClient store, VaultClient vault, SealedBox.KeyPair own) {
    this.kind = kind;
    this.noun = kind.singular();
    this.store = store;
    this.vault = vault;
    this.lookup = new Lookup(store);
    this.own = own;
  }

  public void mount(Router router) {
    String base = "/" + kind.wire();
    router.get(base).handler(Replies.of(this::list));
    router.post(base + "/create").handler(Replies.of(this::create));
    router.get(base + "/:id").handler(Replies.of(this::inspect));
    router.post(base + "/:id/update").handler(Replies.of(this::update));
    router.delete(base + "/:id").handler(Replies.of(this::remove));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Filters f = Filters.parse(ctx.request().getParam("filters")).allowOnly(FILTERS);
    Predicate<JsonObject> matches = o -> f.prefix("id", o.getString("ID"))
        && f.prefix("name", Json.string(o, "Spec.Name"))
        && f.exact("names", Json.string(o, "Spec.Name"))
        && f.labels("label", Json.object(o, "Spec.Labels"));
    return store.list(kind).compose(all -> present(all.stream().filter(matches).toList()))
        .map(views -> Reply.ok(new JsonArray(views)));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx);
    byte[] data = decode(body.getValue("Data"));
    JsonObject spec = body.copy();
    spec.remove("Data");
    return vault.create(kind, spec, data)
        .map(created -> Reply.created(new JsonObject().put("ID", created.getString("ID"))));
  }

  private Future<Reply> inspect(RoutingContext ctx) {
    return lookup.find(kind, ctx.pathParam("id")).compose(o -> present(List.of(o))).map(views -> Reply.ok(views.get(0)));
  }

  /**
   * As swarmkit: only the labels may change, and the version read must still be current. Data may be sent again
   * unchanged ({@code stack deploy} does); the secrets service compares it with what it sealed.
   */
  private Future<Reply> update(RoutingContext ctx) {
    long version = Requests.version(ctx, noun);
    JsonObject spec = Requests.jsonBody(ctx);
    byte[] data = decode(spec.getValue("Data"));
    return lookup.find(kind, ctx.pathParam("id")).compose(current -> {
      Future<Boolean> unchanged = data.length == 0 ? Future.succeededFuture(true) : vault.sameData(kind, current.getString("ID"), data);
      return unchanged.compose(same -> {
        if (!same || !Objects.equals(spec.getString("Name"), Json.string(current, "Spec.Name"))) {
          return Future.failedFuture(Failures.invalidArgument("only updates to Labels are allowed"));
        }
        return Future.succeededFuture(current);
      });
    }).compose(current -> {
      Object labels = spec.getValue("Labels");
      if (labels != null && !(labels instanceof JsonObject)) return Future.failedFuture(Failures.badRequest("invalid JSON: Labels must be an object"));
      JsonObject next = current.getJsonObject("Spec").copy().put("Labels", labels == null ? new JsonObject() : labels);
      return store.tx(StoreOp.merge(kind, current.getString("ID"), new JsonObject().put("Spec", next)).put("version", version));
    }).map(tx -> Reply.empty(200));
  }

  /** Refused while a service's spec uses it, naming the services (swarmkit's wording). */
  private Future<Reply> remove(RoutingContext ctx) {
    return lookup.find(kind, ctx.pathParam("id")).compose(o -> store.list(Kind.SERVICES).compose(services -> {
      String id = o.getString("ID");
      List<String> users = services.stream().filter(s -> References.ids(kind, s.getJsonObject("Spec")).contains(id))
          .map(s -> Json.string(s, "Spec.Name")).sorted().toList();
      if (!users.isEmpty()) {
        return Future.failedFuture(Failures.invalidArgument(noun + " '" + Json.string(o, "Spec.Name")
            + "' is in use by the following service" + (users.size() > 1 ? "s" : "") + ": " + String.join(", ", users)));
      }
      return store.tx(StoreOp.delete(kind, id));
    })).map(tx -> Reply.empty(204));
  }

  /** Objects as clients see them: never the sealed data; a config's data opened here. */
  private Future<List<JsonObject>> present(List<JsonObject> objects) {
    List<JsonObject> views = objects.stream().map(o -> {
      JsonObject view = o.copy();
      view.remove("Sealed");
      return view;
    }).toList();
    if (kind != Kind.CONFIGS || views.isEmpty()) return Future.succeededFuture(views);
    return vault.release(kind, views.stream().map(v -> v.getString("ID")).toList(), own.publicKey()).map(released -> {
      views.forEach(v -> withData(v, released));
      return views;
    });
  }

  private void withData(JsonObject view, Map<String, JsonObject> released) {
    JsonObject sealed = released.get(view.getString("ID"));
    if (sealed == null) return;
    byte[] data = Released.open(own, kind.wire(), view.getString("ID"), sealed);
    view.getJsonObject("Spec").put("Data", Base64.getEncoder().encodeToString(data));
  }

  /** Go decodes {@code []byte} from standard base64; anything else is a decoding error. */
  private static byte[] decode(Object data) {
    if (data == null) return new byte[0];
    if (!(data instanceof String s)) throw Failures.badRequest("invalid JSON: Data must be a base64 string");
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw Failures.badRequest("invalid JSON: illegal base64 data in Data");
    }
  }
}
