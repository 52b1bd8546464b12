package io.enxame.mesh;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * A published UDP port. Each client address is a flow: its first datagram picks a backend and opens a
 * socket connected to it (to the task, or to the internal port of the mesh of the task's node, each datagram
 * then starting with a {@link HopHeader}); later ones follow; what comes back goes to the client from the
 * published port. Flows close after {@link UdpFlows#IDLE_SECONDS} idle; UDP gets no buffering (see
 * {@link UdpFlows}). Flows and the listener share one event loop.
 */
final class UdpFrontend extends SimpleChannelInboundHandler<DatagramPacket> {
  private final MeshRuntime mesh;
  private final RouteState state;
  private final UdpFlows<InetSocketAddress> flows;

  UdpFrontend(MeshRuntime mesh, RouteState state) {
    this.mesh = mesh;
    this.state = state;
    this.flows = new UdpFlows<>(mesh.transport);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    InetSocketAddress client = packet.sender();
    UdpFlows.Flow flow = flows.get(client);
    if (flow == null) {
      Target target = state.balancer.pick(Set.of(), mesh::reachable);
      if (target == null) {
        state.stats.errors.increment();
        return;
      }
      boolean local = mesh.isLocal(target);
      flow = flows.open(client, ctx.channel(), client, mesh.connectAddress(target), local ? null : target.hop,
          state.stats.bytesOut, state.stats.errors);
      target.active.incrementAndGet();
      state.stats.connections.increment();
      state.stats.active.incrementAndGet();
      flow.connected().channel().closeFuture().addListener(f -> {
        target.active.decrementAndGet();
        state.stats.active.decrementAndGet();
      });
    }
    state.stats.bytesIn.add(packet.content().readableBytes());
    UdpFlows.forward(flow, packet.content().retain(), state.stats.errors);
  }

  /** Closes every flow (the port is no longer published). */
  void closeFlows() {
    flows.closeAll();
  }
}
