package io.enxame.shared.net;

import io.vertx.core.net.SocketAddress;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} address as the swarm writes them (a manager's dispatcher, a mesh peer, a task backend; IPv6
 * hosts may be in brackets), for Vert.x clients and for Netty.
 */
public record HostPort(String host, int port) {
  /** The address in {@code text}, with {@code defaultPort} when it names none. Malformed: {@link IllegalArgumentException}. */
  public static HostPort parse(String text, int defaultPort) {
    int colon = text.lastIndexOf(':');
    boolean bareIpv6 = colon >= 0 && text.indexOf(':') != colon && !text.contains("]");
    if (colon < 0 || bareIpv6) return new HostPort(strip(text), defaultPort);
    String host = strip(text.substring(0, colon));
    if (host.isEmpty()) throw new IllegalArgumentException("no host in address \"" + text + "\"");
    return new HostPort(host, Integer.parseInt(text.substring(colon + 1))); // NumberFormatException is an IllegalArgumentException
  }

  /** The address in {@code text}, which must name a port. */
  public static HostPort parse(String text) {
    HostPort address = parse(text, -1);
    if (address.port() < 0) throw new IllegalArgumentException("no port in address \"" + text + "\"");
    return address;
  }

  public SocketAddress socketAddress() { return SocketAddress.inetSocketAddress(port, host); }

  /** Resolved now (an IP needs no lookup). */
  public InetSocketAddress inet() { return new InetSocketAddress(host, port); }

  private static String strip(String host) { return host.replaceAll("^\\[|]$", ""); }

  @Override
  public String toString() { return (host.contains(":") ? "[" + host + "]" : host) + ":" + port; }
}
