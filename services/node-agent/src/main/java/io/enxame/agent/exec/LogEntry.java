package io.enxame.agent.exec;

/** One line of a container's log: its stream (1 stdout, 2 stderr), the engine's timestamp, the bytes as written. */
public record LogEntry(int stream, long timeNanos, byte[] data) {
  public static final int STDOUT = 1;
  public static final int STDERR = 2;
}
