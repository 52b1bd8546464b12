package io.enxame.shared.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Swarm's placement constraints ({@code node.role==manager}, {@code node.labels.zone!=east}, ...):
 * every constraint must hold on a node for a task to go there. Values compare case-insensitively, as
 * swarmkit does; a missing label matches {@code !=} and never {@code ==}; an unknown key matches
 * nothing. The gateway refuses what does not parse; the scheduler matches nodes.
 */
public final class Constraints {
  private static final Pattern SYNTAX = Pattern.compile("^\\s*([\\w.\\-]+)\\s*(==|!=)\\s*(.*?)\\s*$");

  public record Constraint(String key, boolean equal, String value) {
    boolean test(JsonObject node) {
      if (!knownKey(key)) return false;
      Optional<String> actual = valueOf(node, key);
      boolean match = actual.isPresent() && actual.get().equalsIgnoreCase(value);
      return equal == match;
    }
  }

  private final List<Constraint> all;

  private Constraints(List<Constraint> all) { this.all = all; }

  public static Constraints of(JsonObject service) {
    JsonArray raw = Optional.ofNullable(Json.object(service, "Spec.TaskTemplate.Placement"))
        .map(p -> p.getJsonArray("Constraints")).orElse(new JsonArray());
    List<Constraint> parsed = new ArrayList<>();
    for (Object c : raw) parse(String.valueOf(c)).ifPresent(parsed::add);
    return new Constraints(parsed);
  }

  /** The first expression that does not parse, with swarmkit's complaint; empty when all parse. */
  public static Optional<String> invalid(JsonObject spec) {
    JsonArray raw = Optional.ofNullable(Json.object(spec, "TaskTemplate.Placement"))
        .map(p -> p.getJsonArray("Constraints")).orElse(new JsonArray());
    for (Object c : raw) {
      if (parse(String.valueOf(c)).isEmpty()) return Optional.of("constraint expected one operator from ==, !=");
    }
    return Optional.empty();
  }

  /** Parses one expression; empty when it is not {@code key==value} or {@code key!=value}. */
  public static Optional<Constraint> parse(String expression) {
    Matcher m = SYNTAX.matcher(expression);
    if (!m.matches()) return Optional.empty();
    return Optional.of(new Constraint(m.group(1).toLowerCase(), "==".equals(m.group(2)), m.group(3)));
  }

  public boolean isEmpty() { return all.isEmpty(); }

  public boolean test(JsonObject node) {
    for (Constraint c : all) if (!c.test(node)) return false;
    return true;
  }

  private static boolean knownKey(String key) {
    return switch (key) {
      case "node.id", "node.hostname", "node.role", "node.platform.os", "node.platform.arch" -> true;
      default -> key.startsWith("node.labels.") && key.length() > "node.labels.".length()
          || key.startsWith("engine.labels.") && key.length() > "engine.labels.".length();
    };
  }

  /** A node's value for a constraint or preference key ({@code node.labels.zone}, {@code node.hostname}, ...). */
  public static Optional<String> valueOf(JsonObject node, String key) {
    key = key.toLowerCase();
    if (!knownKey(key)) return Optional.empty();
    return Optional.ofNullable(switch (key) {
      case "node.id" -> node.getString("ID");
      case "node.hostname" -> Json.string(node, "Description.Hostname");
      case "node.role" -> Json.string(node, "Spec.Role");
      case "node.platform.os" -> Json.string(node, "Description.Platform.OS");
      case "node.platform.arch" -> Json.string(node, "Description.Platform.Architecture");
      default -> key.startsWith("node.labels.")
          ? labelOf(Json.object(node, "Spec.Labels"), key.substring("node.labels.".length()))
          : labelOf(Json.object(node, "Description.Engine.Labels"), key.substring("engine.labels.".length()));
    });
  }

  /** Labels keep the user's case; keys in constraints were lower-cased, so look them up ignoring case. */
  private static String labelOf(JsonObject labels, String key) {
    if (labels == null) return null;
    for (String k : labels.fieldNames()) if (k.equalsIgnoreCase(key)) return String.valueOf(labels.getValue(k));
    return null;
  }
}
