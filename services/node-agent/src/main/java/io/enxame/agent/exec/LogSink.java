package io.enxame.agent.exec;

/**
 * Receives a container's log from the runtime's reading thread. {@link #entry} may block: that pauses the
 * reading (backpressure down to the engine). {@link #end} is called once, with null when the log simply
 * ended (follow: the container stopped), never after the subscription was closed.
 */
public interface LogSink {
  void entry(LogEntry entry);

  void end(Throwable failure);
}
