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
 */
final class PublishedPort {
  final String key;
  final RouteState state;
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
        ? new Bootstrap().group(mesh.group).channel(mesh.transport.datagram())
            .handler(new UdpFrontend(mesh, state))
            .bind(bindHost, route.getPublishedPort())
        : new ServerBootstrap().group(mesh.group).channel(mesh.transport.server())
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new TcpFrontend(mesh, state));
              }
            })
            .bind(bindHost, route.getPublishedPort());
    return new PublishedPort(key(route), state, bound);
  }

  ChannelFuture bound() { return bound; }

  void close() {
    UdpFrontend udp = bound.channel().pipeline().get(UdpFrontend.class);
    bound.channel().close();
    if (udp != null) bound.channel().eventLoop().execute(udp::closeFlows);
  }
}
