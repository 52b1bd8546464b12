package io.enxame.gateway.filters;

import io.enxame.shared.bus.Failures;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code filters=} query parameter, as moby's {@code filters.Args}: accepted as
 * {@code {"key":{"value":true}}} or the legacy {@code {"key":["value"]}}. Values of one key are
 * alternatives (any may match), except labels, which must all match (swarmkit's semantics).
 */
public final class Filters {
  private final Map<String, Set<String>> args;

  private Filters(Map<String, Set<String>> args) { this.args = args; }

  public static Filters none() { return new Filters(new LinkedHashMap<>()); }

  /** Parses the raw parameter; null or blank means no filter; anything malformed is a 400. */
  public static Filters parse(String raw) {
    if (raw == null || raw.isBlank()) return none();
    JsonObject json;
    try {
      json = new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      throw Failures.badRequest("invalid filters: " + raw);
    }
    Map<String, Set<String>> args = new LinkedHashMap<>();
    for (String key : json.fieldNames()) {
      Object v = json.getValue(key);
      Set<String> values = new LinkedHashSet<>();
      if (v instanceof JsonObject map) {
        for (String value : map.fieldNames()) {
          if (!(map.getValue(value) instanceof Boolean)) throw Failures.badRequest("invalid filters: " + raw);
          values.add(value);
        }
      } else if (v instanceof JsonArray list) {
        for (Object value : list) {
          if (!(value instanceof String s)) throw Failures.badRequest("invalid filters: " + raw);
          values.add(s);
        }
      } else {
        throw Failures.badRequest("invalid filters: " + raw);
      }
      args.put(key, values);
    }
    return new Filters(args);
  }

  /** Refuses keys outside {@code allowed} the way moby does: {@code invalid filter 'x'}. */
  public Filters allowOnly(Set<String> allowed) {
    for (String key : args.keySet()) {
      if (!allowed.contains(key)) throw Failures.badRequest("invalid filter '" + key + "'");
    }
    return this;
  }

  public boolean contains(String key) { return args.containsKey(key); }

  public Set<String> get(String key) { return args.getOrDefault(key, Set.of()); }

  /** A copy where {@code key} holds {@code values} instead (e.g. names resolved to IDs). */
  public Filters with(String key, Set<String> values) {
    Map<String, Set<String>> copy = new LinkedHashMap<>(args);
    copy.put(key, Set.copyOf(values));
    return new Filters(copy);
  }

  /** True when the key is absent or one of its values satisfies the test. */
  public boolean any(String key, Predicate<String> test) {
    Set<String> values = args.get(key);
    return values == null || values.stream().anyMatch(test);
  }

  public boolean exact(String key, String actual) {
    return any(key, v -> v.equals(actual));
  }

  public boolean prefix(String key, String actual) {
    return any(key, v -> actual != null && actual.startsWith(v));
  }

  /** Prefix match against several candidate strings (e.g. a node's name and its hostname). */
  public boolean prefixOfAny(String key, Collection<String> candidates) {
    return any(key, v -> candidates.stream().anyMatch(c -> c != null && c.startsWith(v)));
  }

  /** Every {@code k} must be a present label and every {@code k=v} must equal it. */
  public boolean labels(String key, JsonObject labels) {
    return get(key).stream().allMatch(filter -> labelMatches(filter, labels));
  }

  /** moby's {@code label!}: none of the {@code k} or {@code k=v} may hold. */
  public boolean noLabels(String key, JsonObject labels) {
    return get(key).stream().noneMatch(filter -> labelMatches(filter, labels));
  }

  private static boolean labelMatches(String filter, JsonObject labels) {
    JsonObject actual = labels == null ? new JsonObject() : labels;
    int eq = filter.indexOf('=');
    if (eq < 0) return actual.containsKey(filter);
    return filter.substring(eq + 1).equals(actual.getValue(filter.substring(0, eq)));
  }

  /** Refuses values outside {@code allowed} for one key, naming the key in moby's style. */
  public Filters allowValues(String key, Set<String> allowed) {
    for (String v : get(key)) {
      if (!allowed.contains(v)) throw Failures.badRequest("Invalid filter '" + key + "=" + v + "'");
    }
    return this;
  }
}
