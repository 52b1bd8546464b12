package io.enxame.mesh;

import io.enxame.shared.net.HostPort;

import io.enxame.shared.dispatcher.MeshPeer;
import io.enxame.shared.dispatcher.RouteTable;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the data path of one node's mesh shares: its node id, the Netty transport and event loops, the other
 * meshes' internal addresses and the backends on this node (the only ones a hop from another mesh may reach).
 * The maps are immutable snapshots replaced as tables arrive.
 */
final class MeshRuntime {
  final String nodeId;
  final Transport transport;
  final LoopLoads loads = new LoopLoads();
  final EventLoopGroup group;
  final MeshMetrics metrics;
  private volatile Map<String, InetSocketAddress> peers = Map.of();
  private volatile Set<String> localBackends = Set.of();

  /** Starts the {@code ioThreads} I/O threads; {@code group.shutdownGracefully()} stops them. */
  MeshRuntime(String nodeId, Transport transport, int ioThreads, MeshMetrics metrics) {
    this.nodeId = nodeId;
    this.transport = transport;
    this.group = transport.group(ioThreads, loads);
    this.metrics = metrics;
  }

  void update(RouteTable table) {
    Map<String, InetSocketAddress> p = new HashMap<>();
    for (MeshPeer peer : table.getPeersList()) {
      if (peer.getNodeId().equals(nodeId) || peer.getMeshAddr().isEmpty()) continue;
      p.put(peer.getNodeId(), address(peer.getMeshAddr()));
    }
    Set<String> local = new HashSet<>();
    table.getRoutesList().forEach(r -> r.getBackendsList().forEach(b -> {
      if (b.getNodeId().equals(nodeId)) local.add(r.getProtocol() + "/" + b.getIp() + ":" + r.getTargetPort());
    }));
    peers = Map.copyOf(p);
    localBackends = Set.copyOf(local);
  }

  boolean isLocal(Target t) { return t.nodeId.equals(nodeId); }

  /** A target can take a flow from here when it runs on this node or its node's mesh is connected. */
  boolean reachable(Target t) { return isLocal(t) || peers.containsKey(t.nodeId); }

  /** Where to connect for a target: the task itself, or its node's mesh. */
  InetSocketAddress connectAddress(Target t) {
    return isLocal(t) ? t.address : peers.get(t.nodeId);
  }

  /** Whether {@code protocol/ip:port} is a backend on this node in the current table (a hop may reach it). */
  boolean isLocalBackend(String protocol, String ip, int port) { return localBackends.contains(protocol + "/" + ip + ":" + port); }

  static InetSocketAddress address(String hostPort) { return HostPort.parse(hostPort).inet(); }
}
