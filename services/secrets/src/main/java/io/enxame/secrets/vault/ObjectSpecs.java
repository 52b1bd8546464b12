package io.enxame.secrets.vault;

import io.enxame.shared.bus.Failures;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/** swarmkit's checks of a SecretSpec or ConfigSpec (manager/controlapi), with its wording as moby relays it. */
public final class ObjectSpecs {
  /** swarmkit's MaxSecretSize and MaxConfigSize: the data must be strictly smaller. */
  public static final int MAX_SECRET_BYTES = 500 * 1024;
  public static final int MAX_CONFIG_BYTES = 1000 * 1024;
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$");

  private ObjectSpecs() {}

  /** "secret" or "config". */
  public static String noun(String kind) {
    return switch (kind) {
      case "secrets" -> "secret";
      case "configs" -> "config";
      default -> throw Failures.badRequest("unknown kind " + kind);
    };
  }

  /** The spec as stored: Name and Labels; drivers are refused rather than ignored. */
  public static JsonObject checkSpec(String kind, JsonObject spec) {
    String noun = noun(kind);
    if (spec == null) throw Failures.invalidArgument("invalid argument");
    Object name = spec.getValue("Name");
    if (!(name instanceof String n) || n.isEmpty()) throw Failures.invalidArgument("name must be provided");
    if (n.length() > 64 || !NAME.matcher(n).matches()) {
      throw Failures.invalidArgument("invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]");
    }
    if (driverName(spec.getValue("Driver")) != null) {
      throw Failures.badRequest(noun + " driver \"" + driverName(spec.getValue("Driver")) + "\" is not supported: Enxame keeps "
          + noun + "s in its own encrypted store (omit --driver)");
    }
    if (driverName(spec.getValue("Templating")) != null) {
      throw Failures.badRequest("template driver \"" + driverName(spec.getValue("Templating")) + "\" is not supported: "
          + noun + " templating is not implemented (omit --template-driver)");
    }
    Object labels = spec.getValue("Labels");
    if (labels != null && !(labels instanceof JsonObject)) throw Failures.badRequest("invalid JSON: Labels must be an object");
    return new JsonObject().put("Name", n).put("Labels", labels == null ? new JsonObject() : ((JsonObject) labels).copy());
  }

  public static void checkSize(String kind, byte[] data) {
    int max = "secrets".equals(kind) ? MAX_SECRET_BYTES : MAX_CONFIG_BYTES;
    if (data.length >= max || data.length < 1) {
      throw Failures.invalidArgument(noun(kind) + " data must be larger than 0 and less than " + max + " bytes");
    }
  }

  /** A Driver object names its driver; an absent one or one with an empty name means the built-in store. */
  private static String driverName(Object driver) {
    if (driver == null) return null;
    if (driver instanceof JsonObject d) {
      String name = d.getString("Name");
      return name == null || name.isEmpty() ? null : name;
    }
    return String.valueOf(driver);
  }
}
