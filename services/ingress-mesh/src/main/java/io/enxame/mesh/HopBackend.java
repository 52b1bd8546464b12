package io.enxame.mesh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A flow another node's mesh hands to this one on the internal port: reads the hop header, connects to the
 * named task if it is a backend on this node (anything else is refused: the port is not an open relay), and
 * relays the rest. Bytes that came with the header are passed on once the task is connected.
 */
final class HopBackend extends ByteToMessageDecoder {
  private final MeshRuntime mesh;
  private final LongAdder refused;
  private boolean headerRead;

  HopBackend(MeshRuntime mesh, LongAdder refused) {
    this.mesh = mesh;
    this.refused = refused;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    mesh.loads.track(ctx.channel());
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (headerRead) return;
    HopHeader.Destination d;
    try {
      d = HopHeader.decode(in);
    } catch (IllegalArgumentException e) {
      refuse(ctx);
      return;
    }
    if (d == null) return;
    headerRead = true;
    if (!mesh.isLocalBackend("tcp", d.ip(), d.port())) {
      refuse(ctx);
      return;
    }
    Channel inbound = ctx.channel();
    inbound.config().setAutoRead(false);
    InetSocketAddress address = new InetSocketAddress(d.ip(), d.port());
    ChannelFuture connected = mesh.transport.connect(inbound.eventLoop(), address, new Relay(inbound, new LongAdder()));
    connected.addListener(f -> {
      if (!f.isSuccess()) {
        refused.increment();
        inbound.close();
        return;
      }
      Channel outbound = connected.channel();
      if (!inbound.isActive()) {
        outbound.close();
        return;
      }
      // Replacing the decoder hands what it still holds to the relay, then the flow runs as any other.
      ctx.pipeline().replace(this, "relay", new Relay(outbound, new LongAdder()));
      outbound.flush();
      inbound.config().setAutoRead(true);
      outbound.config().setAutoRead(true);
    });
  }

  private void refuse(ChannelHandlerContext ctx) {
    refused.increment();
    ctx.close();
  }
}
