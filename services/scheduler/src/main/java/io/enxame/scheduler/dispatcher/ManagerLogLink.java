package io.enxame.scheduler.dispatcher;

import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.LogAck;
import io.enxame.shared.dispatcher.LogBatch;
import io.enxame.shared.dispatcher.LogSubscription;
import io.enxame.shared.dispatcher.ManagerLogMessage;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * One subscription's call to another manager's dispatcher (rpc Logs), for the tasks of the nodes whose sessions that
 * manager holds: subscriptions and acks go up, the nodes' batches come down. Messages written before the call is open
 * wait for it (a subscription or two: acks only follow batches). The call ends once, with null for a clean end.
 */
final class ManagerLogLink {
  private final String subscriptionId;
  private final String managerId;
  private final Handler<LogBatch> onBatch;
  private final Handler<Throwable> onEnd;
  private final List<ManagerLogMessage> waiting = new ArrayList<>();
  private GrpcClientRequest<ManagerLogMessage, LogBatch> call;
  private boolean over;

  ManagerLogLink(String subscriptionId, String managerId, Handler<LogBatch> onBatch, Handler<Throwable> onEnd) {
    this.subscriptionId = subscriptionId;
    this.managerId = managerId;
    this.onBatch = onBatch;
    this.onEnd = onEnd;
  }

  /** Opens the call; with {@code tls}, only a manager's certificate is accepted on the other end. */
  void open(GrpcClient client, boolean tls, SocketAddress dispatcher) {
    client.request(dispatcher, DispatcherMethods.LOGS_CLIENT).onComplete(ar -> {
      if (ar.failed()) {
        ended(ar.cause());
        return;
      }
      GrpcClientRequest<ManagerLogMessage, LogBatch> c = ar.result();
      if (over) {
        c.cancel();
        return;
      }
      if (tls && !NodeTls.peer(c.connection()).map(NodeTls.Peer::manager).orElse(false)) {
        c.cancel();
        ended(new IllegalStateException("its dispatcher's certificate is not a swarm manager's"));
        return;
      }
      call = c;
      c.exceptionHandler(this::ended);
      c.response().onComplete(r -> {
        if (r.failed()) {
          ended(r.cause());
          return;
        }
        r.result().handler(b -> {
          if (!over) onBatch.handle(b);
        });
        r.result().exceptionHandler(this::ended);
        r.result().errorHandler(e -> ended(new IllegalStateException("stream reset (" + e + ")")));
        r.result().endHandler(v -> ended(r.result().status() == GrpcStatus.OK ? null
            : new IllegalStateException(r.result().status() + (r.result().statusMessage() == null ? "" : ": " + r.result().statusMessage()))));
      });
      waiting.forEach(this::write);
      waiting.clear();
    });
  }

  String managerId() { return managerId; }

  /** Asks for (more) tasks of the manager's nodes. */
  void subscribe(LogSubscription subscription) {
    write(ManagerLogMessage.newBuilder().setSubscribe(subscription).build());
  }

  /** The reader took one of the node's batches. */
  void ack(String nodeId) {
    write(ManagerLogMessage.newBuilder().setAck(LogAck.newBuilder().setSubscriptionId(subscriptionId).setNodeId(nodeId)).build());
  }

  /** The subscription is over on this side: the other manager cancels its nodes' subscriptions. */
  void cancel() {
    if (over) return;
    over = true;
    if (call != null) call.cancel();
  }

  /** Every node said done: the call is closed on this side too. */
  void finish() {
    if (over) return;
    over = true;
    if (call != null) call.end();
  }

  private void write(ManagerLogMessage message) {
    if (over) return;
    if (call == null) waiting.add(message);
    else call.write(message).onFailure(this::ended);
  }

  private void ended(Throwable cause) {
    if (over) return;
    over = true;
    if (call != null) {
      try {
        // A clean end from the other side: our half ends too; otherwise the stream goes.
        if (cause == null) call.end();
        else call.cancel();
      } catch (IllegalStateException alreadyClosed) {
        // the stream is gone already
      }
    }
    onEnd.handle(cause);
  }
}
