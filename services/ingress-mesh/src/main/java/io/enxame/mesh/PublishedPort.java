package io.enxame.mesh;

import io.enxame.shared.dispatcher.Route;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One published port this node listens on (TCP or UDP), with the state its flows route by. Closing it closes
 * the listener at once; TCP flows already open run on until either end closes them.
 *
 * <p>A TCP port on epoll is one listening socket per I/O thread, bound with SO_REUSEPORT: the kernel spreads
 * new connections over them and a connection stays, with its backend connection, on the thread that accepted
 * it (no hand-off and wake-up of another loop), unless that thread serves {@link LoopLoads#MARGIN} flows more
 * than another: then it goes to the least loaded one. Elsewhere (NIO) one listener does the same from one
 * loop.
 */
final class PublishedPort {
  final String key;
  final RouteState state;
  private final List<Channel> listeners;
  private final Future<Void> bound;

  private PublishedPort(String key, RouteState state, List<Channel> listeners, Future<Void> bound) {
    this.key = key;
    this.state = state;
    this.listeners = listeners;
    this.bound = bound;
  }

  static String key(Route route) { return route.getProtocol() + "/" + route.getPublishedPort(); }

  static PublishedPort open(MeshRuntime mesh, Route route, String bindHost) {
    RouteState state = new RouteState(route, mesh.metrics);
    List<ChannelFuture> binds = new ArrayList<>();
    if ("udp".equals(route.getProtocol())) {
      binds.add(new Bootstrap().group(mesh.group).channel(mesh.transport.datagram())
          .handler(new UdpFrontend(mesh, state))
          .bind(bindHost, route.getPublishedPort()));
    } else if (mesh.transport.reusePort()) {
      for (EventLoop loop : mesh.loops()) binds.add(tcp(mesh, state, loop).bind(bindHost, route.getPublishedPort()));
    } else {
      binds.add(tcp(mesh, state, mesh.group.next()).bind(bindHost, route.getPublishedPort()));
    }
    List<Channel> listeners = binds.stream().map(ChannelFuture::channel).toList();
    return new PublishedPort(key(route), state, listeners, allBound(binds, listeners));
  }

  /**
   * A TCP listener on {@code loop}; its connections stay on that loop unless another is less loaded
   * ({@link LoopLoads}: the group's chooser).
   */
  private static ServerBootstrap tcp(MeshRuntime mesh, RouteState state, EventLoop loop) {
    ServerBootstrap b = new ServerBootstrap().group(loop, mesh.group).channel(mesh.transport.server())
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
    mesh.transport.reusePort(b);
    return b;
  }

  /** Done when every listener is bound; the first failure fails it and closes the listeners that did bind. */
  private static Future<Void> allBound(List<ChannelFuture> binds, List<Channel> listeners) {
    Promise<Void> all = ImmediateEventExecutor.INSTANCE.newPromise();
    AtomicInteger left = new AtomicInteger(binds.size());
    for (ChannelFuture f : binds) {
      f.addListener(done -> {
        if (!done.isSuccess()) {
          if (all.tryFailure(done.cause())) listeners.forEach(Channel::close);
        } else if (left.decrementAndGet() == 0) {
          all.trySuccess(null);
        }
      });
    }
    return all;
  }

  Future<Void> bound() { return bound; }

  void close() {
    for (Channel listener : listeners) {
      UdpFrontend udp = listener.pipeline().get(UdpFrontend.class);
      listener.close();
      if (udp != null) listener.eventLoop().execute(udp::closeFlows);
    }
  }
}
