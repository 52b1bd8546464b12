package io.enxame.mesh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header (haproxy.org/download/2.9/doc/proxy-protocol.txt) a backend gets first when its
 * service opts in, so the application sees the client's address instead of the mesh's.
 */
final class ProxyHeader {
  private ProxyHeader() {}

  static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  /** @param version "v1" or "v2"; source is the client, destination the published address it connected to */
  static ByteBuf encode(String version, InetSocketAddress source, InetSocketAddress destination, ByteBufAllocator alloc) {
    return "v2".equals(version) ? v2(source, destination, alloc) : v1(source, destination, alloc);
  }

  static ByteBuf v1(InetSocketAddress src, InetSocketAddress dst, ByteBufAllocator alloc) {
    boolean v4 = src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
    String line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + host(src, v4) + " " + host(dst, v4) + " "
        + src.getPort() + " " + dst.getPort() + "\r\n";
    return alloc.buffer(line.length()).writeBytes(line.getBytes(StandardCharsets.US_ASCII));
  }

  static ByteBuf v2(InetSocketAddress src, InetSocketAddress dst, ByteBufAllocator alloc) {
    boolean v4 = src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
    byte[] s = v4 ? src.getAddress().getAddress() : ipv6(src);
    byte[] d = v4 ? dst.getAddress().getAddress() : ipv6(dst);
    ByteBuf b = alloc.buffer(16 + 2 * s.length + 4);
    b.writeBytes(V2_SIGNATURE);
    b.writeByte(0x21);                      // version 2, command PROXY
    b.writeByte(v4 ? 0x11 : 0x21);          // TCP over IPv4 or IPv6
    b.writeShort(2 * s.length + 4);
    b.writeBytes(s).writeBytes(d).writeShort(src.getPort()).writeShort(dst.getPort());
    return b;
  }

  private static String host(InetSocketAddress a, boolean v4) {
    if (v4) return a.getAddress().getHostAddress();
    try {
      return Inet6Address.getByAddress(null, ipv6(a), -1).getHostAddress().replaceAll("%.*$", "");
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e); // cannot happen: 16 bytes is a valid length
    }
  }

  /** An IPv4 address in a v6 header is written v4-mapped (::ffff:a.b.c.d). */
  private static byte[] ipv6(InetSocketAddress a) {
    byte[] raw = a.getAddress().getAddress();
    if (raw.length == 16) return raw;
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(raw, 0, mapped, 12, 4);
    return mapped;
  }
}
