package io.enxame.gateway.system;

import io.enxame.gateway.Product;
import io.enxame.gateway.http.ApiVersions;
import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /version}: the API range served and what serves it. */
public final class VersionRoute {
  public void mount(Router router) {
    router.get("/version").handler(Replies.of(ctx -> Future.succeededFuture(Reply.ok(body()))));
  }

  static JsonObject body() {
    return new JsonObject()
        .put("Platform", new JsonObject().put("Name", "Enxame"))
        .put("Components", new JsonArray().add(new JsonObject().put("Name", "Enxame").put("Version", Product.VERSION)
            .put("Details", new JsonObject().put("ApiVersion", ApiVersions.MAX).put("MinAPIVersion", ApiVersions.MIN))))
        .put("Version", Product.ENGINE_VERSION)
        .put("ApiVersion", ApiVersions.MAX)
        .put("MinAPIVersion", ApiVersions.MIN)
        .put("GitCommit", "")
        .put("GoVersion", "n/a")
        .put("Os", Product.OS)
        .put("Arch", goArch(System.getProperty("os.arch", "amd64")))
        .put("KernelVersion", System.getProperty("os.version", ""))
        .put("Experimental", false)
        .put("BuildTime", "");
  }

  /** Java's os.arch names to Go's GOARCH, which clients expect in Arch. */
  static String goArch(String javaArch) {
    return switch (javaArch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> javaArch;
    };
  }
}
