package io.enxame.scheduler.dispatcher;

import io.enxame.shared.dispatcher.LogBatch;
import io.vertx.core.Future;

import java.util.List;

/**
 * Who a log subscription's lines go to: the gateway's reader on the bus ({@link BusLogReader}), or another manager
 * that serves the reader and forwarded the tasks of nodes this one holds ({@link ForwardedLogReader}).
 */
interface LogReader {
  /** One node's lines; completes once the reader took them, which is when the node is acked. */
  Future<Void> lines(String nodeId, LogBatch batch);

  /** The node has sent everything it will; {@code error} says why some of its logs are missing (empty if none). */
  void nodeDone(String nodeId, String error);

  /** Every node is done and every batch was taken ({@code errors}: every node's error). */
  void end(List<String> errors);

  /** Fails when the reader is gone (checked now and then while a follow is idle). */
  Future<Void> probe();

  /** The subscription was cancelled on this side (a failed delivery, the dispatcher stopping). */
  void close();
}
