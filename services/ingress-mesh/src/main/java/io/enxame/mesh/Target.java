package io.enxame.mesh;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend of a published port: a task on some node, reached at {@code ip:targetPort} (through that
 * node's mesh when it is not this one). {@code active} counts this mesh's open flows to it (least-conn).
 */
final class Target {
  final String taskId;
  final String nodeId;
  final String ip;
  final int port;
  /** {@code ip:port}, parsed once per table rather than once per connection. */
  final InetSocketAddress address;
  /** The {@link HopHeader} naming this target, for flows that reach it through its node's mesh. */
  final byte[] hop;
  final AtomicInteger active = new AtomicInteger();

  Target(String taskId, String nodeId, String ip, int port) {
    this.taskId = taskId;
    this.nodeId = nodeId;
    this.ip = ip;
    this.port = port;
    this.address = new InetSocketAddress(ip, port);
    this.hop = HopHeader.line(ip, port);
  }

  boolean sameAs(String taskId, String nodeId, String ip, int port) {
    return this.taskId.equals(taskId) && this.nodeId.equals(nodeId) && this.ip.equals(ip) && this.port == port;
  }

  @Override
  public String toString() { return taskId + "@" + nodeId + "/" + ip + ":" + port; }
}
