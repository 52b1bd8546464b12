package io.enxame.deploy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An advertised address given as an IP, or as a host name resolved once at start (in docker-compose a container
 * names itself by its service or host name; certificates and the bus need the address).
 */
final class AdvertiseAddr {
  private AdvertiseAddr() {}

  static String resolve(String ipOrHost) {
    try {
      return InetAddress.getByName(ipOrHost).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--advertise-addr: cannot resolve " + ipOrHost);
    }
  }
}
