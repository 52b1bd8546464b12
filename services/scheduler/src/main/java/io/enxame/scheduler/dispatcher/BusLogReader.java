package io.enxame.scheduler.dispatcher;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.dispatcher.LogBatch;
import io.enxame.shared.dispatcher.LogLine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/**
 * A reader on the bus ({@code docker service logs} through this manager's gateway): each batch is delivered to
 * {@link Addresses#logStream} as {@code {"lines":[{"task","service","node","stream","time","data"}]}} and counts as
 * taken when the reader answers; the end is {@code {"end":true,"errors":[...]}}.
 */
final class BusLogReader implements LogReader {
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(60_000);

  private final Vertx vertx;
  private final String address;
  /** Task → its service, as the store said when the task was asked for (it may be pruned since). */
  private final Function<String, String> serviceOfTask;

  BusLogReader(Vertx vertx, String subscriptionId, Function<String, String> serviceOfTask) {
    this.vertx = vertx;
    this.address = Addresses.logStream(subscriptionId);
    this.serviceOfTask = serviceOfTask;
  }

  @Override
  public Future<Void> lines(String nodeId, LogBatch batch) {
    JsonArray lines = new JsonArray();
    for (LogLine l : batch.getLinesList()) {
      lines.add(new JsonObject().put("task", l.getTaskId()).put("service", serviceOfTask.apply(l.getTaskId())).put("node", nodeId)
          .put("stream", l.getStream()).put("time", l.getTimestampNanos()).put("data", l.getData().toByteArray()));
    }
    return vertx.eventBus().request(address, new JsonObject().put("lines", lines), DELIVERY).mapEmpty();
  }

  @Override
  public void nodeDone(String nodeId, String error) { } // the end carries every error at once

  @Override
  public void end(List<String> errors) {
    vertx.eventBus().send(address, new JsonObject().put("end", true).put("errors", new JsonArray(List.copyOf(errors))));
  }

  @Override
  public Future<Void> probe() {
    return vertx.eventBus().request(address, new JsonObject().put("lines", new JsonArray()), DELIVERY).mapEmpty();
  }

  @Override
  public void close() { } // a reader that is still there stops at its next delivery's refusal or its own close
}
