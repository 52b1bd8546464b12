package io.enxame.mesh;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutorChooserFactory;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** The Netty transport the data path runs on: native epoll where the platform has it, NIO otherwise. */
record Transport(String name, IoHandlerFactory ioHandler, Class<? extends ServerChannel> server,
    Function<SocketProtocolFamily, Channel> socket, Class<? extends DatagramChannel> datagram) {
  static final int CONNECT_TIMEOUT_MS = 3000;

  static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel::new,
          EpollDatagramChannel.class);
    }
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
        family -> new NioSocketChannel(SelectorProvider.provider(), family), NioDatagramChannel.class);
  }

  /**
   * Channels that connect to {@code to}: of its address family, so an IPv4 backend gets a plain AF_INET
   * socket (Netty's default is a dual-stack IPv6 one, which costs a setsockopt and the v4-mapped path).
   */
  ChannelFactory<Channel> socketTo(InetSocketAddress to) {
    SocketProtocolFamily family = to.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    return () -> socket.apply(family);
  }

  /**
   * A TCP connection to {@code to} from {@code loop}, with {@code handler} as its pipeline; it is not read until
   * its autoRead is turned on, and the future fails after {@link #CONNECT_TIMEOUT_MS}. No Bootstrap: it would
   * copy its option and attribute maps, look up a resolver for an address already resolved, and defer the
   * connect to a task of the loop, all for every flow. The caller runs on {@code loop}, so the channel is
   * registered at once and connects in the same turn of the loop.
   */
  ChannelFuture connect(EventLoop loop, InetSocketAddress to, ChannelHandler handler) {
    Channel ch = socketTo(to).newChannel();
    ch.config().setAutoRead(false);
    ch.config().setConnectTimeoutMillis(CONNECT_TIMEOUT_MS);
    ch.pipeline().addLast(handler);
    ChannelFuture registered = loop.register(ch);
    if (registered.isDone()) return registered.isSuccess() ? ch.connect(to) : registered;
    ChannelPromise connected = ch.newPromise();
    registered.addListener(r -> {
      if (r.isSuccess()) ch.connect(to, connected);
      else connected.setFailure(r.cause());
    });
    return connected;
  }

  /** {@code threads} I/O threads; {@code chooser} picks the loop of each channel registered through the group. */
  MultiThreadIoEventLoopGroup group(int threads, EventExecutorChooserFactory chooser) {
    return new MultiThreadIoEventLoopGroup(threads, (Executor) null, chooser, ioHandler);
  }
}
