package io.enxame.gateway.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * What every Docker API this module serves does around its routes (a manager's gateway, a worker's API): moby's
 * headers on every response, the {@code /v1.xx} prefix, bodies up to 16 MiB; after them, failures and unmatched
 * paths in moby's error shape.
 */
public final class ApiRouter {
  private static final long BODY_LIMIT = 16 * 1024 * 1024;

  private ApiRouter() {}

  /** Before the routes. */
  public static Router begin(Router router) {
    router.route().handler(new CommonHeaders());
    router.route().handler(new VersionPrefix());
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    return router;
  }

  /** After the routes. */
  public static Router end(Router router) {
    router.route().failureHandler(ErrorResponder::failure);
    router.errorHandler(404, ErrorResponder::notFound);
    router.errorHandler(405, ErrorResponder::notFound);
    return router;
  }
}
