package io.enxame.store;

import io.vertx.core.json.JsonObject;

/** A transaction or query refused by the store, with the HTTP status the user should see. */
public final class StoreError extends RuntimeException {
  private final int status;

  public StoreError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() { return status; }

  /** As a reply carries it: {@code {"error":{"status":N,"message":"..."}}}. */
  JsonObject toJson() {
    return new JsonObject().put("error", new JsonObject().put("status", status).put("message", getMessage()));
  }
}
