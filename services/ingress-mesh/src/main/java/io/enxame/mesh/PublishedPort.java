package io.enxame.mesh;

import io.enxame.shared.dispatcher.Route;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;

/**
 * One published port this node listens on (TCP or UDP), with the state its flows route by. Closing it closes
 * the listener at once; TCP flows already open run on until either end closes them.
 *
 * <p>A TCP port is one listening socket, as HAProxy's: its loop accepts every connection and gives it, with its
 * backend connection, to the I/O thread serving the fewest flows ({@link LoopLoads}). One SO_REUSEPORT socket
 * per thread, tried before, saves the hand-off but lets the kernel's hash queue a connection behind a busy
 * thread while the other is idle, and splits long-lived connections unevenly: p99 was worse both ways
 * (bench/RESULTS.md, run 12).
 */
final class PublishedPort {
  final String key;
  final RouteState state;
  /** Done when the listener is bound; a listener that could not bind is closed. */
  private final ChannelFuture bound;

  private PublishedPort(String key, RouteState state, ChannelFuture bound) {
    this.key = key;
    this.state = state;
    this.bound = bound;
  }

  static String key(Route route) { return route.getProtocol() + "/" + route.getPublishedPort(); }

  static PublishedPort open(MeshRuntime mesh, Route route, String bindHost) {
    RouteState state = new RouteState(route, mesh.metrics);
    ChannelFuture bound = "udp".equals(route.getProtocol())
        ? new Bootstrap().group(mesh.group).channel(mesh.transport.datagram()).handler(new UdpFrontend(mesh, state))
            .bind(bindHost, route.getPublishedPort())
        : tcp(mesh, state).bind(bindHost, route.getPublishedPort());
    bound.addListener(f -> {
      if (!f.isSuccess()) bound.channel().close();
    });
    return new PublishedPort(key(route), state, bound);
  }

  /** A TCP listener; the group's chooser ({@link LoopLoads}) gives each connection its loop. */
  private static ServerBootstrap tcp(MeshRuntime mesh, RouteState state) {
    return new ServerBootstrap().group(mesh.group).channel(mesh.transport.server())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 1024)
        // TCP_NODELAY is already the default of Netty's socket channels on Linux: setting it again costs a syscall.
        // Children read at once (autoRead): TcpFrontend holds a bounded amount while the backend connects.
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new TcpFrontend(mesh, state));
          }
        });
  }

  ChannelFuture bound() { return bound; }

  void close() {
    Channel listener = bound.channel();
    UdpFrontend udp = listener.pipeline().get(UdpFrontend.class);
    listener.close();
    if (udp != null) listener.eventLoop().execute(udp::closeFlows);
  }
}
