package io.enxame.gateway.services;

import io.enxame.gateway.filters.Filters;
import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.function.Predicate;

/** {@code GET /services} filters: id and name by prefix, labels, mode, runtime. */
public final class ServiceFilters {
  private ServiceFilters() {}

  static final Set<String> KEYS = Set.of("id", "label", "mode", "name", "runtime");

  public static Predicate<JsonObject> of(Filters f) {
    f.allowOnly(KEYS);
    return s -> f.prefix("id", s.getString("ID"))
        && f.prefix("name", Json.string(s, "Spec.Name"))
        && f.labels("label", Json.object(s, "Spec.Labels"))
        && f.exact("mode", ServiceSpecs.modeName(Json.objectOrEmpty(s, "Spec")))
        && f.exact("runtime", "container");
  }
}
