package io.enxame.mesh;

import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.MeshPeer;
import io.enxame.shared.dispatcher.RouteTable;
import io.enxame.shared.dispatcher.RoutesRequest;
import io.enxame.shared.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.server.GrpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The routes stream moves on to the managers the node's agent kept when its configured manager is gone. */
class RouteSubscriptionTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aStreamThatCannotOpenMovesToTheNextManagerOfTheFile(@TempDir Path dir) throws Exception {
    // A dispatcher's Routes method, answering with one table naming it (plaintext: this is about addresses).
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(DispatcherMethods.ROUTES_SERVER, call -> call.handler(req ->
        call.response().write(RouteTable.newBuilder().addPeers(MeshPeer.newBuilder().setNodeId("live")).build())));
    HttpServer live = vertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    int gone = Ports.free(); // nothing listens there: the configured manager died
    Path managers = dir.resolve("managers.json");
    Files.writeString(managers, new JsonArray().add("127.0.0.1:" + gone).add("127.0.0.1:" + live.actualPort()).encode());

    CompletableFuture<RouteTable> first = new CompletableFuture<>();
    RouteSubscription routes = new RouteSubscription(vertx, SocketAddress.inetSocketAddress(gone, "127.0.0.1"), Optional.empty(),
        Optional.of(managers), RoutesRequest.newBuilder().setNodeId("n1").build(), first::complete);
    vertx.runOnContext(v -> routes.open());
    assertThat(first.get(20, TimeUnit.SECONDS).getPeers(0).getNodeId()).isEqualTo("live");
    routes.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
