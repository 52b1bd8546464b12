package io.enxame.gateway.logs;

import io.enxame.shared.model.Times;
import io.vertx.core.buffer.Buffer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * How moby writes a log line (api/server/httputils/write_log_stream.go): {@code [timestamp ][details ]line},
 * the details being the sorted, query-escaped {@code key=value} attributes joined by commas; without a TTY
 * each line goes in a stdcopy frame (1 byte stream id, 3 zero bytes, 4 bytes big-endian length, payload).
 */
public final class LogFrames {
  private LogFrames() {}

  public static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";
  public static final String RAW = "application/vnd.docker.raw-stream";

  public static final int STDOUT = 1;
  public static final int STDERR = 2;
  public static final int SYSTEM_ERROR = 3;

  /** The attributes swarm puts on every service log line, in moby's (sorted) order. */
  public static String details(String nodeId, String serviceId, String taskId) {
    return "com.docker.swarm.node.id=" + escape(nodeId) + ",com.docker.swarm.service.id=" + escape(serviceId)
        + ",com.docker.swarm.task.id=" + escape(taskId);
  }

  private static String escape(String s) { return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8); }

  /** One line as moby writes it: prefixes as asked, then the container's bytes (newline included). */
  public static Buffer line(byte[] data, long timeNanos, String details, boolean timestamps, boolean withDetails) {
    Buffer b = Buffer.buffer(data.length + 128);
    if (timestamps) b.appendString(Times.format(Times.fromNanos(timeNanos))).appendByte((byte) ' ');
    if (withDetails) b.appendString(details).appendByte((byte) ' ');
    return b.appendBytes(data);
  }

  /** A stdcopy frame around {@code payload}. */
  public static Buffer frame(int stream, Buffer payload) {
    return Buffer.buffer(payload.length() + 8).appendByte((byte) stream).appendBytes(new byte[3])
        .appendInt(payload.length()).appendBuffer(payload);
  }
}
