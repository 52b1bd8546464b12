package io.enxame.mesh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * A client connection on a published TCP port: picks a backend, connects to it (directly, or through its
 * node's mesh with a hop header), writes the PROXY header when the service asked for one, then leaves the
 * two channels to {@link Relay}s. A backend that refuses is skipped for the next one; the client is closed
 * only when none is left.
 *
 * <p>The client is read while the backend connects, so that its first request (usually already there) goes
 * out with the headers in one write as soon as the backend is connected, instead of one more event-loop round
 * after it. What is held meanwhile is bounded: past {@link #HELD_LIMIT} bytes the client is not read until the
 * backend is connected.
 */
final class TcpFrontend extends ChannelInboundHandlerAdapter {
  /** Client bytes held while the backend connects before the client is no longer read (Netty's high water mark). */
  static final int HELD_LIMIT = 64 * 1024;

  private final MeshRuntime mesh;
  private final RouteState state;
  private final ArrayDeque<Object> held = new ArrayDeque<>(2);
  private int heldBytes;
  private Set<Target> tried; // only when a backend refused

  TcpFrontend(MeshRuntime mesh, RouteState state) {
    this.mesh = mesh;
    this.state = state;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    mesh.loads.track(ctx.channel());
    connect(ctx, null);
    ctx.fireChannelActive(); // reads the client (autoRead)
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    held.add(msg);
    if (msg instanceof ByteBuf buf) heldBytes += buf.readableBytes();
    if (heldBytes >= HELD_LIMIT) ctx.channel().config().setAutoRead(false);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
  }

  private void release() {
    for (Object msg; (msg = held.poll()) != null; ) ReferenceCountUtil.release(msg);
  }

  private void connect(ChannelHandlerContext ctx, Target refused) {
    Channel inbound = ctx.channel();
    if (refused != null) {
      if (tried == null) tried = new HashSet<>(4);
      tried.add(refused);
    }
    Target target = state.balancer.pick(tried == null ? Set.of() : tried, mesh::reachable);
    if (target == null) {
      state.stats.errors.increment();
      inbound.close();
      return;
    }
    InetSocketAddress address = mesh.connectAddress(target);
    ChannelFuture connected = mesh.transport.connect(inbound.eventLoop(), address, new Relay(inbound, state.stats.bytesOut));
    connected.addListener(f -> {
      if (f.isSuccess()) {
        opened(ctx, connected.channel(), target);
      } else {
        state.stats.errors.increment();
        if (inbound.isActive()) connect(ctx, target);
      }
    });
  }

  private void opened(ChannelHandlerContext ctx, Channel outbound, Target target) {
    Channel inbound = ctx.channel();
    if (!inbound.isActive()) {
      outbound.close();
      return;
    }
    target.active.incrementAndGet();
    state.stats.connections.increment();
    state.stats.active.incrementAndGet();
    outbound.closeFuture().addListener(f -> {
      target.active.decrementAndGet();
      state.stats.active.decrementAndGet();
    });
    if (!mesh.isLocal(target)) outbound.write(outbound.alloc().buffer(target.hop.length).writeBytes(target.hop), outbound.voidPromise());
    String proxy = state.proxyProtocol();
    if (!proxy.isEmpty()) {
      outbound.write(ProxyHeader.encode(proxy, (InetSocketAddress) inbound.remoteAddress(), (InetSocketAddress) inbound.localAddress(),
          outbound.alloc()), outbound.voidPromise());
    }
    state.stats.bytesIn.add(heldBytes);
    for (Object msg; (msg = held.poll()) != null; ) outbound.write(msg, outbound.voidPromise());
    outbound.flush();
    ctx.pipeline().replace(this, "relay", new Relay(outbound, state.stats.bytesIn));
    if (!inbound.config().isAutoRead()) inbound.config().setAutoRead(true);
    outbound.config().setAutoRead(true);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
