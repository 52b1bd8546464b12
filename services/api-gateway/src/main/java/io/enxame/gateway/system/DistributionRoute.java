package io.enxame.gateway.system;

import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code GET /distribution/{name}/json}, which the CLI calls to pin an image digest. Managers do not
 * contact registries, so the answer is an empty digest: the CLI then keeps the tag silently (an
 * error status would make it print a warning on every create), and each node pulls the tag itself.
 */
public final class DistributionRoute {
  public void mount(Router router) {
    // The name is unescaped and may hold '/', ':' and '@', so the route is greedy like moby's {name:.*}.
    router.getWithRegex("/distribution/.+/json").handler(Replies.of(ctx -> Future.succeededFuture(Reply.ok(body()))));
  }

  static JsonObject body() {
    return new JsonObject()
        .put("Descriptor", new JsonObject().put("mediaType", "application/vnd.oci.image.index.v1+json").put("digest", "").put("size", 0))
        .put("Platforms", new JsonArray());
  }
}
