package io.enxame.mesh;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The UDP flows of one listener (a published port, or the internal port that takes flows from other meshes):
 * per key, a socket connected to where the flow goes; what comes back on it is sent to the flow's client
 * from the listener. A flow idle for {@link #IDLE_SECONDS} is closed. A datagram a socket cannot take now is
 * dropped and counted, as the network would: UDP gets no buffering. Used on the listener's event loop only,
 * which its flows share, so nothing here is locked.
 */
final class UdpFlows<K> {
  static final int IDLE_SECONDS = 30;

  /** A flow: its socket, and the {@link HopHeader} line each datagram starts with when it goes to another mesh. */
  record Flow(ChannelFuture connected, byte[] hop) {}

  private final Transport transport;
  private final Map<K, Flow> flows = new HashMap<>();

  UdpFlows(Transport transport) {
    this.transport = transport;
  }

  Flow get(K key) { return flows.get(key); }

  /**
   * Opens the flow of {@code key} to {@code to}; replies go to {@code client} through {@code listener}.
   * {@code hop} is null for a flow to a task, or the hop line for one to another node's mesh.
   */
  Flow open(K key, Channel listener, InetSocketAddress client, InetSocketAddress to, byte[] hop, LongAdder bytesBack, LongAdder errors) {
    ChannelFuture connected = new Bootstrap().group(listener.eventLoop()).channel(transport.datagram())
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS), new Replies(listener, client, bytesBack, errors));
          }
        })
        .connect(to);
    Flow flow = new Flow(connected, hop);
    flows.put(key, flow);
    connected.channel().closeFuture().addListener(f -> flows.remove(key, flow));
    return flow;
  }

  /** Sends {@code payload} (released here) on the flow, once its socket is connected. */
  static void forward(Flow flow, ByteBuf payload, LongAdder errors) {
    ChannelFuture f = flow.connected();
    if (f.isDone()) send(flow, payload, errors);
    else f.addListener(x -> send(flow, payload, errors));
  }

  private static void send(Flow flow, ByteBuf payload, LongAdder errors) {
    Channel ch = flow.connected().channel();
    if (!flow.connected().isSuccess() || !ch.isActive() || !ch.isWritable()) {
      payload.release();
      errors.increment();
      return;
    }
    ByteBuf out = payload;
    if (flow.hop() != null) {
      out = ch.alloc().directBuffer(flow.hop().length + payload.readableBytes()).writeBytes(flow.hop()).writeBytes(payload);
      payload.release();
    }
    ch.writeAndFlush(out, ch.voidPromise());
  }

  void closeAll() {
    new ArrayList<>(flows.values()).forEach(f -> f.connected().channel().close());
  }

  /** Sends what comes back on a flow to its client, from the listener. */
  private static final class Replies extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Channel listener;
    private final InetSocketAddress client;
    private final LongAdder bytes;
    private final LongAdder errors;

    Replies(Channel listener, InetSocketAddress client, LongAdder bytes, LongAdder errors) {
      this.listener = listener;
      this.client = client;
      this.bytes = bytes;
      this.errors = errors;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
      bytes.add(reply.content().readableBytes());
      if (!listener.isWritable()) {
        errors.increment();
        return;
      }
      listener.writeAndFlush(new DatagramPacket(reply.content().retain(), client), listener.voidPromise());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) ctx.close();
      else ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP port unreachable and the like: the flow is over.
      ctx.close();
    }
  }
}
