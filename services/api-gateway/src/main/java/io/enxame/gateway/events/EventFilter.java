package io.enxame.gateway.events;

import io.enxame.gateway.filters.Filters;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.function.Predicate;

/**
 * moby's events filter (daemon/events/filter.go) for swarm events: {@code type} and {@code event} match
 * exactly, {@code scope} exactly, {@code service/node/secret/config/network} match the actor's ID or name
 * exactly or by prefix (and exclude other types), {@code label} matches the actor's attributes.
 */
final class EventFilter implements Predicate<JsonObject> {
  static final Set<String> KEYS = Set.of("type", "event", "scope", "service", "node", "secret", "config", "network",
      "label", "container", "image", "volume", "plugin", "daemon");

  private final Filters filters;

  EventFilter(Filters filters) {
    this.filters = filters.allowOnly(KEYS);
  }

  @Override
  public boolean test(JsonObject e) {
    String type = e.getString("Type");
    JsonObject attributes = e.getJsonObject("Actor").getJsonObject("Attributes");
    return filters.exact("event", e.getString("Action"))
        && filters.exact("type", type)
        && filters.exact("scope", e.getString("scope"))
        && actor(e, "service") && actor(e, "node") && actor(e, "secret") && actor(e, "config") && actor(e, "network")
        // local objects never appear in this stream: a filter on them matches nothing here
        && !filters.contains("container") && !filters.contains("image") && !filters.contains("volume")
        && !filters.contains("plugin") && !filters.contains("daemon")
        && filters.labels("label", attributes);
  }

  /** A {@code key} filter keeps only events of that type whose actor ID or name it names (moby's fuzzyMatchName). */
  private boolean actor(JsonObject e, String key) {
    if (!filters.contains(key)) return true;
    if (!key.equals(e.getString("Type"))) return false;
    String id = e.getJsonObject("Actor").getString("ID");
    String name = e.getJsonObject("Actor").getJsonObject("Attributes").getString("name");
    return filters.any(key, v -> id.startsWith(v) || (name != null && name.startsWith(v)));
  }
}
