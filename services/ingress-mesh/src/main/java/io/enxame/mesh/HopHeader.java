package io.enxame.mesh;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;

/**
 * The line a mesh sends first on a flow it hands to another node's mesh: {@code ENXAME-HOP 1 <ip> <port>\n},
 * naming the task there. Whatever follows (a PROXY header, then the client's bytes) is the flow itself. A UDP
 * flow carries the line at the head of every datagram (any datagram may be lost, the first one too).
 */
final class HopHeader {
  private HopHeader() {}

  static final String MAGIC = "ENXAME-HOP 1 ";
  /** Longer than any valid line: a peer sending more without a newline is not a mesh. */
  static final int MAX_LENGTH = 128;

  record Destination(String ip, int port) {}

  static byte[] line(String ip, int port) {
    return (MAGIC + ip + " " + port + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a header from {@code in} when it is complete: the destination, or null when more bytes are
   * needed. Throws when the bytes cannot be a header.
   */
  static Destination decode(ByteBuf in) {
    int eol = in.forEachByte(in.readerIndex(), Math.min(in.readableBytes(), MAX_LENGTH), ByteProcessor.FIND_LF);
    if (eol < 0) {
      if (in.readableBytes() >= MAX_LENGTH) throw new IllegalArgumentException("no hop header");
      return null;
    }
    String line = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.US_ASCII);
    in.readerIndex(eol + 1);
    if (!line.startsWith(MAGIC)) throw new IllegalArgumentException("no hop header");
    String[] parts = line.substring(MAGIC.length()).split(" ");
    if (parts.length != 2) throw new IllegalArgumentException("bad hop header");
    return new Destination(parts[0], Integer.parseInt(parts[1]));
  }
}
