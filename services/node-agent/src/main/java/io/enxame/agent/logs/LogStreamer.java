package io.enxame.agent.logs;

import io.enxame.agent.exec.ContainerRuntime;
import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.LogSubscription;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The node's side of {@code docker service logs}: the dispatcher's log subscriptions, acks and cancels come
 * in on the session stream, each subscription reads its tasks' containers ({@link NodeLogStream}) and sends
 * the lines back on the same stream. Everything here runs on the agent's event loop.
 */
public final class LogStreamer {
  private final Vertx vertx;
  private final ContainerRuntime runtime;
  private final Consumer<AgentMessage> send;
  private final Map<String, NodeLogStream> streams = new HashMap<>();

  public LogStreamer(Vertx vertx, ContainerRuntime runtime, Consumer<AgentMessage> send) {
    this.vertx = vertx;
    this.runtime = runtime;
    this.send = send;
  }

  public void handle(DispatcherMessage message) {
    switch (message.getKindCase()) {
      case SUBSCRIBE_LOGS -> subscribe(message.getSubscribeLogs());
      case LOG_ACK -> {
        NodeLogStream s = streams.get(message.getLogAck().getSubscriptionId());
        if (s != null) s.ack();
      }
      case CANCEL_LOGS -> {
        NodeLogStream s = streams.remove(message.getCancelLogs().getSubscriptionId());
        if (s != null) s.close();
      }
      default -> { }
    }
  }

  private void subscribe(LogSubscription subscription) {
    String id = subscription.getSubscriptionId();
    NodeLogStream stream = streams.computeIfAbsent(id, k -> new NodeLogStream(vertx, runtime, subscription,
        batch -> send.accept(AgentMessage.newBuilder().setLogs(batch).build()), () -> streams.remove(k)));
    stream.add(subscription.getTaskIdsList());
  }

  /** The session that carried the subscriptions is gone: so are they (the dispatcher forgot them too). */
  public void closeAll() {
    List.copyOf(streams.values()).forEach(NodeLogStream::close);
    streams.clear();
  }

  int open() { return streams.size(); }
}
