package io.enxame.mesh;

import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.RouteTable;
import io.enxame.shared.dispatcher.RoutesRequest;
import io.enxame.shared.net.Backoff;
import io.enxame.shared.net.ManagersFile;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the dispatcher's Routes stream open: every table it sends goes to the handler; a broken stream is
 * reopened with backoff. While the dispatcher is away the last table stays in force, so the data plane keeps
 * serving what it knew. A stream that cannot be opened moves on to the next manager: the configured one, then
 * those the node's agent last heard of (its managers file, read again at each turn).
 */
final class RouteSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(RouteSubscription.class);

  private final Vertx vertx;
  private final GrpcClient client;
  private final SocketAddress configured;
  private final Optional<Path> managersFile;
  private final List<SocketAddress> managers = new ArrayList<>();
  private int current;
  private boolean received;
  private final RoutesRequest request;
  private final Handler<RouteTable> onTable;
  private final Backoff backoff = new Backoff(100, 2000);
  private GrpcClientRequest<RoutesRequest, RouteTable> call;
  private long reconnectTimer = -1;
  private int attempt;
  private boolean closed;

  /** With {@code tls}, the stream presents the node's certificate, as the node-agent's session does. */
  RouteSubscription(Vertx vertx, SocketAddress dispatcher, Optional<NodeTls> tls, Optional<Path> managersFile, RoutesRequest request,
                    Handler<RouteTable> onTable) {
    this.vertx = vertx;
    this.client = tls.map(t -> GrpcClient.client(vertx, t.client(new HttpClientOptions()))).orElseGet(() -> GrpcClient.client(vertx));
    this.configured = dispatcher;
    this.managersFile = managersFile;
    this.managers.add(dispatcher);
    this.request = request;
    this.onTable = onTable;
  }

  void open() {
    reconnectTimer = -1;
    if (closed) return;
    int current = ++attempt;
    received = false;
    client.request(managers.get(this.current), DispatcherMethods.ROUTES_CLIENT)
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
      received = true;
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
    if (!received) {
      this.current = (this.current + 1) % managers.size();
      if (this.current == 0) refreshManagers();
    }
    LOG.warn("mesh {}: routes stream lost ({}), reconnecting to {} in {} ms", request.getNodeId(), cause.getMessage(),
        managers.get(this.current), delay);
    reconnectTimer = vertx.setTimer(delay, id -> open());
  }

  /** The configured manager, then those in the managers file (read without blocking; used from the next turn on). */
  private void refreshManagers() {
    managersFile.ifPresent(file -> ManagersFile.read(vertx, configured, file).onSuccess(next -> {
      if (current == 0) {
        managers.clear();
        managers.addAll(next);
      }
    }));
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
