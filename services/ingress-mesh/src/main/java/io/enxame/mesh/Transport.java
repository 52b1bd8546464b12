package io.enxame.mesh;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
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

/**
 * The Netty transport the data path runs on: native epoll where the platform has it (with SO_REUSEPORT
 * listeners), NIO otherwise.
 */
record Transport(String name, IoHandlerFactory ioHandler, Class<? extends ServerChannel> server,
    Function<SocketProtocolFamily, Channel> socket, Class<? extends DatagramChannel> datagram, boolean reusePort) {

  static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel::new,
          EpollDatagramChannel.class, true);
    }
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
        family -> new NioSocketChannel(SelectorProvider.provider(), family),
        NioDatagramChannel.class, false);
  }

  /**
   * Channels that connect to {@code to}: of its address family, so an IPv4 backend gets a plain AF_INET
   * socket (Netty's default is a dual-stack IPv6 one, which costs a setsockopt and the v4-mapped path).
   */
  ChannelFactory<Channel> socketTo(InetSocketAddress to) {
    SocketProtocolFamily family = to.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    return () -> socket.apply(family);
  }

  /** SO_REUSEPORT on a listener, where the transport has it (one listening socket per I/O thread). */
  void reusePort(ServerBootstrap b) {
    if (reusePort) b.option(EpollChannelOption.SO_REUSEPORT, true);
  }

  /** {@code threads} I/O threads; {@code chooser} picks the loop of each channel registered through the group. */
  MultiThreadIoEventLoopGroup group(int threads, EventExecutorChooserFactory chooser) {
    return new MultiThreadIoEventLoopGroup(threads, (Executor) null, chooser, ioHandler);
  }
}
