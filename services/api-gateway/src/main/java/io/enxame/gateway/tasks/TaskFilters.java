package io.enxame.gateway.tasks;

import io.enxame.gateway.filters.Filters;
import io.enxame.gateway.resolve.IdResolver;
import io.enxame.gateway.resolve.Lookup;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.Tasks;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code GET /tasks} filters (moby daemon/cluster/tasks.go + swarmkit ListTasks): {@code service}
 * and {@code node} values may be names or ID prefixes and are resolved first; {@code label}
 * matches the service's labels; {@code _up-to-date} keeps tasks made from the current template.
 */
public final class TaskFilters {
  private TaskFilters() {}

  static final Set<String> KEYS = Set.of("id", "label", "name", "node", "service", "desired-state", "runtime", "_up-to-date");
  static final Set<String> DESIRED_STATES = Set.of("running", "shutdown", "accepted");

  public static Predicate<JsonObject> of(Filters raw, List<JsonObject> services, List<JsonObject> nodes) {
    raw.allowOnly(KEYS).allowValues("desired-state", DESIRED_STATES);
    Filters f = raw;
    if (f.contains("service")) f = f.with("service", resolve("service", f.get("service"), services, Kind.SERVICES));
    if (f.contains("node")) f = f.with("node", resolve("node", f.get("node"), nodes, Kind.NODES));
    Map<String, JsonObject> servicesById = services.stream().collect(Collectors.toMap(s -> s.getString("ID"), Function.identity()));
    Filters filters = f;
    boolean upToDate = f.contains("_up-to-date");
    return t -> filters.prefix("id", t.getString("ID"))
        && filters.prefix("name", Tasks.name(t))
        && filters.exact("service", t.getString("ServiceID"))
        && filters.exact("node", t.getString("NodeID"))
        && filters.labels("label", Json.object(t, "ServiceAnnotations.Labels"))
        && filters.exact("desired-state", t.getString("DesiredState"))
        && filters.exact("runtime", "container")
        && (!upToDate || isUpToDate(t, servicesById));
  }

  private static boolean isUpToDate(JsonObject task, Map<String, JsonObject> servicesById) {
    JsonObject service = servicesById.get(task.getString("ServiceID"));
    return service != null && Tasks.isUpToDate(task, service);
  }

  /** Each value resolved like a path {id}; an unknown one fails the request, as in moby. */
  private static Set<String> resolve(String noun, Set<String> refs, List<JsonObject> objects, Kind kind) {
    return refs.stream().map(ref -> IdResolver.resolve(noun, ref, objects, Lookup.namesOf(kind)).getString("ID"))
        .collect(Collectors.toSet());
  }
}
