package io.enxame.mesh;

import io.netty.channel.Channel;
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
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The Netty transport the data path runs on: native epoll where the platform has it, NIO otherwise. */
record Transport(String name, IoHandlerFactory ioHandler, Class<? extends ServerChannel> server,
    Class<? extends Channel> socket, Class<? extends DatagramChannel> datagram) {

  static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class,
          EpollDatagramChannel.class);
    }
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
        NioDatagramChannel.class);
  }

  MultiThreadIoEventLoopGroup group(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandler);
  }
}
