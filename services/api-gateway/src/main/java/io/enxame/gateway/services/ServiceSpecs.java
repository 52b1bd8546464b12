package io.enxame.gateway.services;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Constraints;
import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Validation of a ServiceSpec and the defaults moby applies when it converts one for swarmkit
 * (daemon/cluster/convert/service.go), so that everything stored is complete: the CLI dereferences
 * {@code Replicas}, {@code TotalCompletions} and {@code ContainerSpec} without nil checks.
 */
public final class ServiceSpecs {
  private ServiceSpecs() {}

  public static final List<String> MODES = List.of("Replicated", "Global", "ReplicatedJob", "GlobalJob");
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$");
  private static final int MAX_NAME = 63;

  /** Returns a validated copy with defaults filled in; throws a 400 failure on an invalid spec. */
  public static JsonObject normalize(JsonObject spec) {
    JsonObject s = spec.copy();
    checkName(s.getValue("Name"));
    JsonObject template = objectField(s, "TaskTemplate", "TaskTemplate");
    JsonObject container = objectField(template, "ContainerSpec", "TaskTemplate.ContainerSpec");
    if (!(container.getValue("Image") instanceof String image) || image.isBlank()) {
      throw Failures.badRequest("ContainerSpec: image reference must be provided");
    }
    if (template.getValue("ForceUpdate") == null) template.put("ForceUpdate", 0);
    else nonNegative(template.getValue("ForceUpdate"), "TaskTemplate.ForceUpdate");
    s.put("Mode", normalizeMode(s.getValue("Mode")));
    Constraints.invalid(s).ifPresent(message -> { throw Failures.badRequest(message); });
    return s;
  }

  private static void checkName(Object value) {
    if (!(value instanceof String name) || name.isEmpty()) {
      throw Failures.badRequest("invalid service name: a name must be provided");
    }
    if (!NAME.matcher(name).matches()) {
      throw Failures.badRequest("invalid service name \"" + name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    if (name.length() > MAX_NAME) {
      throw Failures.badRequest("invalid service name \"" + name + "\": must be " + MAX_NAME + " characters or fewer");
    }
  }

  /** Exactly one mode; none at all means moby's default, one replica. */
  private static JsonObject normalizeMode(Object value) {
    if (value != null && !(value instanceof JsonObject)) throw Failures.badRequest("invalid JSON: Mode must be an object");
    JsonObject mode = value == null ? new JsonObject() : ((JsonObject) value).copy();
    List<String> set = MODES.stream().filter(m -> mode.getValue(m) != null).toList();
    if (set.size() > 1) throw Failures.badRequest("must specify only one service mode, got " + String.join(", ", set));
    String kind = set.isEmpty() ? "Replicated" : set.get(0);
    JsonObject body = objectField(mode, kind, "Mode." + kind);
    switch (kind) {
      case "Replicated" -> body.put("Replicas", countOr(body.getValue("Replicas"), 1, "Mode.Replicated.Replicas"));
      case "ReplicatedJob" -> {
        long max = countOr(body.getValue("MaxConcurrent"), 1, "Mode.ReplicatedJob.MaxConcurrent");
        body.put("MaxConcurrent", max);
        body.put("TotalCompletions", countOr(body.getValue("TotalCompletions"), max, "Mode.ReplicatedJob.TotalCompletions"));
      }
      default -> { }
    }
    return new JsonObject().put(kind, body);
  }

  public static String modeName(JsonObject spec) {
    JsonObject mode = Json.objectOrEmpty(spec, "Mode");
    if (mode.getValue("Global") != null) return "global";
    if (mode.getValue("ReplicatedJob") != null) return "replicated-job";
    if (mode.getValue("GlobalJob") != null) return "global-job";
    return "replicated";
  }

  public static boolean isJob(JsonObject spec) { return modeName(spec).endsWith("-job"); }

  private static JsonObject objectField(JsonObject parent, String key, String path) {
    Object v = parent.getValue(key);
    if (v == null) {
      JsonObject created = new JsonObject();
      parent.put(key, created);
      return created;
    }
    if (v instanceof JsonObject o) return o;
    throw Failures.badRequest("invalid JSON: " + path + " must be an object");
  }

  private static long countOr(Object value, long fallback, String path) {
    return value == null ? fallback : nonNegative(value, path);
  }

  /** Go decodes these into uint64: a negative or fractional number is a decoding error there too. */
  private static long nonNegative(Object value, String path) {
    if (value instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw Failures.badRequest("invalid " + path + ": " + value + " (must be a non-negative integer)");
  }
}
