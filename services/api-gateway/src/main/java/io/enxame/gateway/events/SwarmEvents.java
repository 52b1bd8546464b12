package io.enxame.gateway.events;

import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.Times;
import io.enxame.shared.store.ChangeEvent;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns store changes into Docker's swarm events (moby daemon/events.go: logServiceEvent, logNodeEvent,
 * logClusterEvent): Type service|node|secret|config|network, Action create|update|remove, Actor.ID, and
 * Actor.Attributes with the name and, on updates, the {@code *.old/*.new} pairs Swarm reports. Updates and
 * removals need the object as it was: the last version of each object is kept here, rebuilt from a store
 * snapshot by {@link #reset}.
 */
public final class SwarmEvents {
  private static final Map<Kind, String> TYPES = Map.of(Kind.SERVICES, "service", Kind.NODES, "node",
      Kind.SECRETS, "secret", Kind.CONFIGS, "config", Kind.NETWORKS, "network");

  public static final List<Kind> KINDS = List.copyOf(TYPES.keySet());

  private final Map<String, JsonObject> last = new HashMap<>();

  /** Forgets everything and starts again from these objects (a snapshot of {@link #KINDS}). */
  public void reset(Iterable<JsonObject> objects) {
    last.clear();
    objects.forEach(o -> last.put(o.getString("ID"), o));
  }

  /** The Docker events for one committed transaction; {@code now} stamps removals, as moby does. */
  public List<JsonObject> derive(ChangeEvent event, Instant now) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : event.changes()) {
      JsonObject change = (JsonObject) o;
      Kind kind = Kind.fromWire(change.getString("kind")).orElse(null);
      String type = TYPES.get(kind);
      if (type == null) continue;
      String id = change.getString("id");
      JsonObject object = change.getJsonObject("object");
      JsonObject old = object == null ? last.remove(id) : last.put(id, object);
      switch (change.getString("action")) {
        case "create" -> out.add(message(type, "create", id, attributes(kind, object, null), time(object, "CreatedAt", now)));
        case "update" -> out.add(message(type, "update", id, attributes(kind, object, old), time(object, "UpdatedAt", now)));
        case "delete" -> {
          if (old != null) out.add(message(type, "remove", id, attributes(kind, old, null), now));
        }
        default -> { }
      }
    }
    return out;
  }

  private static JsonObject attributes(Kind kind, JsonObject now, JsonObject old) {
    JsonObject a = new JsonObject().put("name", name(kind, now));
    if (old == null) return a;
    if (kind == Kind.SERVICES) {
      changed(a, "image", Json.string(old, "Spec.TaskTemplate.ContainerSpec.Image"), Json.string(now, "Spec.TaskTemplate.ContainerSpec.Image"));
      Long replicas = Json.number(now, "Spec.Mode.Replicated.Replicas");
      Long oldReplicas = Json.number(old, "Spec.Mode.Replicated.Replicas");
      if (replicas != null && oldReplicas != null) changed(a, "replicas", oldReplicas.toString(), replicas.toString());
      String state = Json.string(now, "UpdateStatus.State");
      String oldState = Json.string(old, "UpdateStatus.State");
      if (state != null) {
        if (oldState == null) a.put("updatestate.new", state);
        else changed(a, "updatestate", oldState, state);
      }
    } else if (kind == Kind.NODES) {
      changed(a, "availability", Json.string(old, "Spec.Availability"), Json.string(now, "Spec.Availability"));
      changed(a, "role", Json.string(old, "Spec.Role"), Json.string(now, "Spec.Role"));
      changed(a, "state", Json.string(old, "Status.State"), Json.string(now, "Status.State"));
      if (Json.object(now, "ManagerStatus") != null && Json.object(old, "ManagerStatus") != null) {
        changed(a, "leader", String.valueOf(Boolean.TRUE.equals(Json.at(old, "ManagerStatus.Leader"))),
            String.valueOf(Boolean.TRUE.equals(Json.at(now, "ManagerStatus.Leader"))));
        changed(a, "reachability", Json.string(old, "ManagerStatus.Reachability"), Json.string(now, "ManagerStatus.Reachability"));
      }
    }
    return a;
  }

  private static void changed(JsonObject attributes, String key, String old, String now) {
    if (Objects.equals(old, now)) return;
    attributes.put(key + ".old", lower(old)).put(key + ".new", lower(now));
  }

  private static String lower(String s) { return s == null ? "" : s.toLowerCase(); }

  /** A node's name is its Spec.Name, else its hostname. */
  private static String name(Kind kind, JsonObject o) {
    return switch (kind) {
      case NODES -> {
        String n = Json.string(o, "Spec.Name");
        yield n == null || n.isEmpty() ? Objects.toString(Json.string(o, "Description.Hostname"), "") : n;
      }
      default -> Objects.toString(Json.string(o, "Spec.Name"), "");
    };
  }

  private static Instant time(JsonObject o, String field, Instant fallback) {
    String t = o.getString(field);
    try {
      return t == null ? fallback : Times.parse(t);
    } catch (RuntimeException unparsable) {
      return fallback;
    }
  }

  /** Docker's events.Message for a swarm-scoped event. */
  static JsonObject message(String type, String action, String id, JsonObject attributes, Instant time) {
    long nanos = Times.toNanos(time);
    return new JsonObject().put("Type", type).put("Action", action)
        .put("Actor", new JsonObject().put("ID", id).put("Attributes", attributes))
        .put("scope", "swarm").put("time", time.getEpochSecond()).put("timeNano", nanos);
  }
}
