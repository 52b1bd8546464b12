package io.enxame.mesh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.LongAdder;

/**
 * Copies what one channel reads to its peer. Backpressure: when the peer's outbound buffer passes its high
 * water mark this channel stops reading (autoRead off) until the peer drains below the low mark, so a slow
 * client or backend never makes the mesh buffer more than the water marks. Both channels of a flow share one
 * event loop, so no state here needs a lock. Closing either side closes the other after a flush.
 */
final class Relay extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final LongAdder bytes;

  Relay(Channel peer, LongAdder bytes) {
    this.peer = peer;
    this.bytes = bytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) bytes.add(buf.readableBytes());
    peer.write(msg, peer.voidPromise());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
    if (!peer.isWritable()) ctx.channel().config().setAutoRead(false);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) peer.config().setAutoRead(true);
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and broken pipes are how TCP flows end; close both sides, nothing to report.
    ctx.close();
  }

  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }
}
