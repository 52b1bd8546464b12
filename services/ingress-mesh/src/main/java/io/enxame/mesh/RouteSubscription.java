package io.enxame.mesh;

import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.RouteTable;
import io.enxame.shared.dispatcher.RoutesRequest;
import io.enxame.shared.net.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Optional;

/**
 * Keeps the dispatcher's Routes stream open: every table it sends goes to the handler; a broken stream is
 * reopened with backoff. While the dispatcher is away the last table stays in force, so the data plane keeps
 * serving what it knew.
 */
final class RouteSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(RouteSubscription.class);

  private final Vertx vertx;
  private final GrpcClient client;
  private final SocketAddress dispatcher;
  private final RoutesRequest request;
  private final Handler<RouteTable> onTable;
  private final Backoff backoff = new Backoff(100, 2000);
  private GrpcClientRequest<RoutesRequest, RouteTable> call;
  private long reconnectTimer = -1;
  private int attempt;
  private boolean closed;

  /** With {@code tls}, the stream presents the node's certificate, as the node-agent's session does. */
  RouteSubscription(Vertx vertx, SocketAddress dispatcher, Optional<NodeTls> tls, RoutesRequest request, Handler<RouteTable> onTable) {
    this.vertx = vertx;
    this.client = tls.map(t -> GrpcClient.client(vertx, t.client(new HttpClientOptions()))).orElseGet(() -> GrpcClient.client(vertx));
    this.dispatcher = dispatcher;
    this.request = request;
    this.onTable = onTable;
  }

  void open() {
    reconnectTimer = -1;
    if (closed) return;
    int current = ++attempt;
    client.request(dispatcher, DispatcherMethods.ROUTES_CLIENT)
        .compose(c -> {
          call = c;
          return c.send(request);
        })
        .onSuccess(response -> follow(current, response))
        .onFailure(e -> lost(current, e));
  }

  private void follow(int current, GrpcClientResponse<RoutesRequest, RouteTable> response) {
    response.handler(table -> {
      if (current != attempt || closed) return;
      backoff.reset();
      onTable.handle(table);
    });
    response.exceptionHandler(e -> lost(current, e));
    response.endHandler(v -> lost(current, new IllegalStateException("dispatcher ended the routes stream (" + response.status() + ")")));
  }

  private void lost(int current, Throwable cause) {
    if (closed || current != attempt) return;
    attempt++; // handlers of the lost stream go quiet
    long delay = backoff.next();
    LOG.warn("mesh {}: routes stream lost ({}), reconnecting in {} ms", request.getNodeId(), cause.getMessage(), delay);
    reconnectTimer = vertx.setTimer(delay, id -> open());
  }

  Future<Void> close() {
    closed = true;
    if (reconnectTimer >= 0) vertx.cancelTimer(reconnectTimer);
    if (call != null) {
      try {
        call.cancel();
      } catch (RuntimeException alreadyEnded) {
        // nothing to cancel
      }
    }
    return client.close();
  }
}
