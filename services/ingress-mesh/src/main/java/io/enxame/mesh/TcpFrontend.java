package io.enxame.mesh;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * A client connection on a published TCP port: picks a backend, connects to it (directly, or through its
 * node's mesh with a hop header), writes the PROXY header when the service asked for one, then leaves the
 * two channels to {@link Relay}s. A backend that refuses is skipped for the next one; the client is closed
 * only when none is left. The client is not read until the backend is connected.
 */
final class TcpFrontend extends ChannelInboundHandlerAdapter {
  static final int CONNECT_TIMEOUT_MS = 3000;

  private final MeshRuntime mesh;
  private final RouteState state;
  private final Set<Target> tried = new HashSet<>();

  TcpFrontend(MeshRuntime mesh, RouteState state) {
    this.mesh = mesh;
    this.state = state;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connect(ctx);
  }

  private void connect(ChannelHandlerContext ctx) {
    Channel inbound = ctx.channel();
    Target target = state.balancer.pick(tried, mesh::reachable);
    if (target == null) {
      state.stats.errors.increment();
      inbound.close();
      return;
    }
    tried.add(target);
    ChannelFuture connected = new Bootstrap().group(inbound.eventLoop()).channel(mesh.transport.socket())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
        .handler(new Relay(inbound, state.stats.bytesOut))
        .connect(mesh.connectAddress(target));
    connected.addListener(f -> {
      if (f.isSuccess()) {
        opened(ctx, connected.channel(), target);
      } else {
        state.stats.errors.increment();
        if (inbound.isActive()) connect(ctx);
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
    if (!mesh.isLocal(target)) outbound.write(HopHeader.encode(target.ip, target.port, outbound.alloc()), outbound.voidPromise());
    String proxy = state.proxyProtocol();
    if (!proxy.isEmpty()) {
      outbound.write(ProxyHeader.encode(proxy, (InetSocketAddress) inbound.remoteAddress(), (InetSocketAddress) inbound.localAddress(),
          outbound.alloc()), outbound.voidPromise());
    }
    outbound.flush();
    ctx.pipeline().replace(this, "relay", new Relay(outbound, state.stats.bytesIn));
    inbound.config().setAutoRead(true);
    outbound.config().setAutoRead(true);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
