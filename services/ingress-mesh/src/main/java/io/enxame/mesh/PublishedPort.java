package io.enxame.mesh;

import io.enxame.shared.dispatcher.Route;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
 * <p>A TCP port is one listening socket, as HAProxy's: its loop accepts every connection and gives it, with its
 * backend connection, to the I/O thread serving the fewest flows ({@link LoopLoads}). One SO_REUSEPORT socket
 * per thread, tried before, saves the hand-off but lets the kernel's hash queue a connection behind a busy
 * thread while the other is idle, and splits long-lived connections unevenly: p99 was worse both ways
 * (bench/RESULTS.md, run 12).
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
    } else {
      binds.add(tcp(mesh, state).bind(bindHost, route.getPublishedPort()));
    }
    List<Channel> listeners = binds.stream().map(ChannelFuture::channel).toList();
    return new PublishedPort(key(route), state, listeners, allBound(binds, listeners));
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
