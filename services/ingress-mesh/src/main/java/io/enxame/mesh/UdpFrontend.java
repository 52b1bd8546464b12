package io.enxame.mesh;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A published UDP port. Each client address is a flow: its first datagram picks a backend and opens a
 * socket connected to it, later ones follow; what the backend answers goes back to the client from the
 * published port. A flow idle for {@link #IDLE_SECONDS} is closed. A datagram the backend socket cannot take
 * now is dropped (and counted), as the network would: UDP gets no buffering. Flows and the listener share
 * one event loop.
 */
final class UdpFrontend extends SimpleChannelInboundHandler<DatagramPacket> {
  static final int IDLE_SECONDS = 30;

  private final MeshRuntime mesh;
  private final RouteState state;
  private final Map<InetSocketAddress, ChannelFuture> flows = new HashMap<>();

  UdpFrontend(MeshRuntime mesh, RouteState state) {
    this.mesh = mesh;
    this.state = state;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    InetSocketAddress client = packet.sender();
    ChannelFuture flow = flows.get(client);
    if (flow == null) {
      flow = open(ctx.channel(), client);
      if (flow == null) {
        state.stats.errors.increment();
        return;
      }
      flows.put(client, flow);
    }
    state.stats.bytesIn.add(packet.content().readableBytes());
    var payload = packet.content().retain();
    ChannelFuture f = flow;
    if (f.isDone()) forward(f, payload);
    else f.addListener(x -> forward(f, payload));
  }

  private void forward(ChannelFuture flow, io.netty.buffer.ByteBuf payload) {
    Channel ch = flow.channel();
    if (!flow.isSuccess() || !ch.isActive() || !ch.isWritable()) {
      payload.release();
      state.stats.errors.increment();
      return;
    }
    ch.writeAndFlush(payload, ch.voidPromise());
  }

  /** Only backends on this node take UDP flows: datagrams are not handed between meshes yet. */
  private ChannelFuture open(Channel listener, InetSocketAddress client) {
    Target target = state.balancer.pick(Set.of(), mesh::isLocal);
    if (target == null) return null;
    ChannelFuture connected = new Bootstrap().group(listener.eventLoop()).channel(mesh.transport.datagram())
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS), new Replies(listener, client));
          }
        })
        .connect(new InetSocketAddress(target.ip, target.port));
    target.active.incrementAndGet();
    state.stats.connections.increment();
    state.stats.active.incrementAndGet();
    connected.channel().closeFuture().addListener(f -> {
      flows.remove(client, connected);
      target.active.decrementAndGet();
      state.stats.active.decrementAndGet();
    });
    return connected;
  }

  /** Sends what the backend answers back to the client, from the published port. */
  private final class Replies extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Channel listener;
    private final InetSocketAddress client;

    Replies(Channel listener, InetSocketAddress client) {
      this.listener = listener;
      this.client = client;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
      state.stats.bytesOut.add(reply.content().readableBytes());
      if (!listener.isWritable()) {
        state.stats.errors.increment();
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

  /** Closes every flow (the port is no longer published). */
  void closeFlows() {
    new java.util.ArrayList<>(flows.values()).forEach(f -> f.channel().close());
  }
}
