package io.enxame.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/** Writes replies the way the docker CLI reads them. */
public final class Replies {
  private Replies() {}

  /**
   * Exactly {@code application/json}: the CLI parses error bodies only with this precise value and
   * prints the raw body when a charset is appended.
   */
  public static final String JSON = "application/json";

  /** Adapts an endpoint that computes its reply asynchronously; any failure goes to the failure handler. */
  public static Handler<RoutingContext> of(Function<RoutingContext, Future<Reply>> endpoint) {
    return ctx -> {
      Future<Reply> reply;
      try {
        reply = endpoint.apply(ctx);
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(ar -> {
        if (ctx.response().ended()) return;
        if (ar.succeeded()) send(ctx, ar.result());
        else ctx.fail(ar.cause());
      });
    };
  }

  public static void send(RoutingContext ctx, Reply reply) {
    ctx.response().setStatusCode(reply.status());
    if (reply.body() == null) {
      ctx.response().end();
    } else {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Json.encode(reply.body()));
    }
  }

  public static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) return;
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(new JsonObject().put("message", message).encode());
  }
}
