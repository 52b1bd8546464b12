package io.enxame.agent.exec;

/** An engine call refused by the engine, with Docker's own message (what the user sees as a task's Err). */
public final class RuntimeFailure extends RuntimeException {
  private final int status;

  public RuntimeFailure(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The engine's HTTP status (404 not found, 409 conflict...), 0 when the engine gave none. */
  public int status() { return status; }

  public boolean isConflict() { return status == 409; }
}
