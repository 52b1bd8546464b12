package io.enxame.gateway.resolve;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;
import java.util.stream.Stream;

/** Finds one stored object from what a user typed, reading the whole kind only when the ID is not exact. */
public final class Lookup {
  private final StoreClient store;

  public Lookup(StoreClient store) { this.store = store; }

  /** The names each kind answers to, besides its ID. */
  public static Function<JsonObject, Stream<String>> namesOf(Kind kind) {
    return switch (kind) {
      case NODES -> n -> Stream.of(Json.string(n, "Spec.Name"), Json.string(n, "Description.Hostname"));
      case TASKS -> t -> Stream.of(Tasks.name(t));
      default -> o -> Stream.of(Json.string(o, "Spec.Name"));
    };
  }

  public Future<JsonObject> find(Kind kind, String ref) {
    // The common case (the CLI polls by ID) costs one get; names and prefixes need the list.
    return store.get(kind, ref).recover(t -> Failures.statusOf(t) == Failures.NOT_FOUND
        ? store.list(kind).map(all -> IdResolver.resolve(kind.singular(), ref, all, namesOf(kind)))
        : Future.failedFuture(t));
  }
}
