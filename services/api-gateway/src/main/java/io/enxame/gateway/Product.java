package io.enxame.gateway;

/** What the gateway says it is: the Engine release it mimics and Enxame's own version. */
public final class Product {
  private Product() {}

  /** Enxame's version, reported in the Server header and as a component of /version. */
  public static final String VERSION = "0.1.0";
  /** The Docker Engine release whose API (1.51) the gateway serves; clients print it as the server version. */
  public static final String ENGINE_VERSION = "28.5.2";
  public static final String OS = "linux";
}
