package io.enxame.store;

/** A transaction or query refused by the store, with the HTTP status the user should see. */
public final class StoreError extends RuntimeException {
  private final int status;

  public StoreError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() { return status; }
}
