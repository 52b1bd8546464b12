package io.enxame.gateway.http;

import io.enxame.shared.bus.Failures;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into moby's error shape: a status and {@code {"message":"..."}}. */
public final class ErrorResponder {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

  private ErrorResponder() {}

  public static void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      Replies.error(ctx, status, HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase());
      return;
    }
    int status = statusOf(t);
    if (status >= 500 && !(t instanceof ReplyException)) LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), t);
    Replies.error(ctx, status, t.getMessage() == null ? t.toString() : t.getMessage());
  }

  /** Unmatched paths and methods: moby's router answers both with 404 "page not found". */
  public static void notFound(RoutingContext ctx) {
    Replies.error(ctx, 404, "page not found");
  }

  static int statusOf(Throwable t) {
    if (t instanceof ReplyException) return Failures.statusOf(t);
    if (t instanceof DecodeException || t instanceof IllegalArgumentException) return 400;
    return 500;
  }
}
