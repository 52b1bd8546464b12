package io.enxame.shared.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Failures travel on the bus as {@link ReplyException}s whose failure code is the HTTP status the
 * gateway must answer with, and whose message is the user-facing text (Docker's wording).
 */
public final class Failures {
  private Failures() {}

  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;

  public static ReplyException of(int status, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, status, message);
  }

  public static ReplyException badRequest(String message) { return of(BAD_REQUEST, message); }
  public static ReplyException notFound(String message) { return of(NOT_FOUND, message); }
  public static ReplyException conflict(String message) { return of(CONFLICT, message); }
  public static ReplyException unavailable(String message) { return of(UNAVAILABLE, message); }

  /** A 400 worded as moby passes on swarmkit's gRPC {@code InvalidArgument} errors. */
  public static ReplyException invalidArgument(String description) {
    return badRequest("rpc error: code = InvalidArgument desc = " + description);
  }

  /** The HTTP status a failure maps to: its own code when it carries one, 503 when nobody answered. */
  public static int statusOf(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 400 && re.failureCode() < 600) {
        return re.failureCode();
      }
      return UNAVAILABLE; // NO_HANDLERS or TIMEOUT: the service behind the address is not there
    }
    return INTERNAL;
  }
}
