package io.enxame.agent.exec;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.enxame.shared.model.Times;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * docker-java's log stream read with timestamps on: each entry starts with the engine's RFC 3339 time and a
 * space. A frame may hold several entries, or part of one (and a TTY container's raw stream has no frames at
 * all), so each stream is cut into lines here. Entries before {@code sinceNanos} are dropped (the engine's
 * {@code since} has whole seconds only).
 */
final class DockerLogCallback extends ResultCallback.Adapter<Frame> {
  private final long sinceNanos;
  private final LogSink sink;
  /** The unfinished line of each stream (stdout, stderr). */
  private final ByteArrayOutputStream[] partial = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
  private volatile boolean closed;
  private boolean ended;

  DockerLogCallback(long sinceNanos, LogSink sink) {
    this.sinceNanos = sinceNanos;
    this.sink = sink;
  }

  @Override
  public void onNext(Frame frame) {
    if (closed) return;
    int stream = frame.getStreamType() == StreamType.STDERR ? LogEntry.STDERR : LogEntry.STDOUT;
    ByteArrayOutputStream line = partial[stream - 1];
    byte[] p = frame.getPayload();
    int start = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] != '\n') continue;
      line.write(p, start, i + 1 - start);
      emit(stream, line.toByteArray());
      line.reset();
      start = i + 1;
    }
    line.write(p, start, p.length - start);
  }

  private void emit(int stream, byte[] payload) {
    LogEntry entry = parse(stream, payload);
    if (entry.timeNanos() >= sinceNanos) sink.entry(entry);
  }

  /** Splits the engine's "TIMESTAMP " prefix from the line. */
  static LogEntry parse(int stream, byte[] payload) {
    int space = -1;
    for (int i = 0; i < Math.min(payload.length, 40); i++) {
      if (payload[i] == ' ') {
        space = i;
        break;
      }
    }
    if (space > 0) {
      try {
        Instant t = Times.parse(new String(payload, 0, space, StandardCharsets.US_ASCII));
        return new LogEntry(stream, Times.toNanos(t), Arrays.copyOfRange(payload, space + 1, payload.length));
      } catch (DateTimeParseException notATimestamp) {
        // fall through: keep the whole payload
      }
    }
    return new LogEntry(stream, 0, payload);
  }

  @Override
  public void onError(Throwable t) {
    end(t);
    try {
      close();
    } catch (java.io.IOException ignored) {
      // the stream is broken anyway
    }
  }

  @Override
  public void onComplete() {
    for (int i = 0; i < partial.length; i++) {
      if (!closed && partial[i].size() > 0) emit(i + 1, partial[i].toByteArray());
    }
    end(null);
    super.onComplete();
  }

  private synchronized void end(Throwable t) {
    if (ended || closed) return;
    ended = true;
    sink.end(t);
  }

  /** Stops reading; the sink hears nothing more. Blocking: call it on a worker. */
  void closeStream() throws java.io.IOException {
    closed = true;
    close();
  }
}
