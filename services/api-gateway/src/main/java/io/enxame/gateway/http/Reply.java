package io.enxame.gateway.http;

/**
 * What an endpoint answers: a status and a body that is a JsonObject, a JsonArray, any other value
 * Vert.x encodes as JSON (a String becomes a JSON string), or null for an empty body.
 */
public record Reply(int status, Object body) {
  public static Reply ok(Object body) { return new Reply(200, body); }

  public static Reply created(Object body) { return new Reply(201, body); }

  public static Reply empty(int status) { return new Reply(status, null); }
}
