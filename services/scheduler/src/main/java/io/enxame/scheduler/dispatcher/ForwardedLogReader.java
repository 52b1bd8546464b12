package io.enxame.scheduler.dispatcher;

import io.enxame.shared.dispatcher.LogBatch;
import io.enxame.shared.dispatcher.ManagerLogMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader is another manager's (rpc Logs): batches go back on its call with their node named, and count as taken
 * when it acks them for that node, which it does once its own reader took them; so each node keeps its window end to
 * end and nothing queues here beyond it. A node that is done gets a done batch of its own; the call ends with the
 * subscription.
 */
final class ForwardedLogReader implements LogReader {
  private final String subscriptionId;
  private final GrpcServerResponse<ManagerLogMessage, LogBatch> response;
  /** Per node, the batches written and not acked yet (acks name the node only, and come in order). */
  private final Map<String, Deque<Promise<Void>>> unacked = new HashMap<>();
  private boolean ended;

  ForwardedLogReader(String subscriptionId, GrpcServerResponse<ManagerLogMessage, LogBatch> response) {
    this.subscriptionId = subscriptionId;
    this.response = response;
  }

  @Override
  public Future<Void> lines(String nodeId, LogBatch batch) {
    if (ended) return Future.failedFuture("the manager reading these logs went away");
    Promise<Void> taken = Promise.promise();
    unacked.computeIfAbsent(nodeId, n -> new ArrayDeque<>()).add(taken);
    response.write(batch.toBuilder().setSubscriptionId(subscriptionId).setNodeId(nodeId).build());
    return taken.future();
  }

  /** The reading manager took one of the node's batches. */
  void acked(String nodeId) {
    Deque<Promise<Void>> waiting = unacked.get(nodeId);
    Promise<Void> taken = waiting == null ? null : waiting.poll();
    if (taken != null) taken.complete();
  }

  @Override
  public void nodeDone(String nodeId, String error) {
    if (!ended) response.write(LogBatch.newBuilder().setSubscriptionId(subscriptionId).setNodeId(nodeId).setDone(true).setError(error).build());
  }

  @Override
  public void end(List<String> errors) {
    if (ended) return;
    ended = true;
    response.end();
  }

  @Override
  public Future<Void> probe() {
    return ended ? Future.failedFuture("ended") : Future.succeededFuture();
  }

  @Override
  public void close() {
    if (ended) return;
    lost();
    response.status(GrpcStatus.CANCELLED).statusMessage("log subscription " + subscriptionId + " cancelled").end();
  }

  /** The call is gone (cancelled by the reading manager, or broken): nothing more is written or acked. */
  void lost() {
    ended = true;
    unacked.values().forEach(q -> q.forEach(p -> p.tryFail("the manager reading these logs went away")));
    unacked.clear();
  }
}
