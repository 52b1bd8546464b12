package io.enxame.gateway.http;

import io.enxame.shared.bus.Failures;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/** Reads request parts with moby's parsing rules; bad input becomes a 400 failure. */
public final class Requests {
  private Requests() {}

  /** Context key of the API version the request was made with (its path prefix, or {@link ApiVersions#MAX}). */
  public static final String API_VERSION = "enxame.apiVersion";

  private static final Set<String> FALSE = Set.of("", "0", "no", "false", "none");

  public static String apiVersion(RoutingContext ctx) {
    String v = ctx.get(API_VERSION);
    return v == null ? ApiVersions.MAX : v;
  }

  /** moby's httputils.BoolValue: set and not one of 0/no/false/none. */
  public static boolean bool(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v != null && !FALSE.contains(v.trim().toLowerCase());
  }

  /** The {@code version=} query parameter that guards an update; what it protects names the message. */
  public static long version(RoutingContext ctx, String what) {
    String raw = ctx.request().getParam("version");
    try {
      long v = Long.parseLong(raw == null ? "" : raw);
      if (v < 0) throw new NumberFormatException("negative");
      return v;
    } catch (NumberFormatException e) {
      throw Failures.badRequest("invalid " + what + " version '" + (raw == null ? "" : raw) + "': " + e.getMessage());
    }
  }

  /** The body as a JSON object, with moby's messages for a missing or malformed one. */
  public static JsonObject jsonBody(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.toString().isBlank()) {
      throw Failures.badRequest("invalid JSON: got EOF while reading request body");
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(body);
      if (value instanceof JsonObject obj) return obj;
      throw Failures.badRequest("invalid JSON: expected an object");
    } catch (DecodeException e) {
      throw Failures.badRequest("invalid JSON: " + e.getMessage());
    }
  }
}
