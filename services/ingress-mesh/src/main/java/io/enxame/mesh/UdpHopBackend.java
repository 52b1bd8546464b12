package io.enxame.mesh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * UDP flows another node's mesh hands to this one on the internal port (UDP, the same port number as the TCP
 * one): each datagram starts with a {@link HopHeader} naming a task; it goes on without the header if that
 * task is a UDP backend of this node in the current table, and is dropped and counted as refused otherwise (the
 * port is not an open relay). A flow is the sending mesh's socket and the task: the task's answers go back to
 * that socket from the internal port, as they are.
 */
final class UdpHopBackend extends SimpleChannelInboundHandler<DatagramPacket> {
  private record Key(InetSocketAddress from, HopHeader.Destination to) {}

  private final MeshRuntime mesh;
  private final LongAdder refused;
  private final UdpFlows<Key> flows;
  // What this side would count is counted per service by the mesh the flow entered.
  private final LongAdder uncounted = new LongAdder();

  UdpHopBackend(MeshRuntime mesh, LongAdder refused) {
    this.mesh = mesh;
    this.refused = refused;
    this.flows = new UdpFlows<>(mesh.transport);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    HopHeader.Destination to;
    try {
      to = HopHeader.decode(content);
    } catch (IllegalArgumentException e) {
      to = null;
    }
    if (to == null || !mesh.isLocalBackend("udp", to.ip(), to.port())) {
      refused.increment();
      return;
    }
    Key key = new Key(packet.sender(), to);
    UdpFlows.Flow flow = flows.get(key);
    if (flow == null) {
      flow = flows.open(key, ctx.channel(), packet.sender(), new InetSocketAddress(to.ip(), to.port()), null, uncounted, uncounted);
    }
    UdpFlows.forward(flow, content.retain(), uncounted);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    flows.closeAll();
  }
}
