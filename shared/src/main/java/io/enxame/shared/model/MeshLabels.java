package io.enxame.shared.model;

/** Service labels that tune the routing mesh for that service (read by the scheduler into the route table). */
public final class MeshLabels {
  private MeshLabels() {}

  /** {@code round-robin} (default) or {@code least-conn}. */
  public static final String LB = "com.enxame.mesh.lb";
  /** {@code v1} or {@code v2}: the mesh opens each backend connection with a PROXY protocol header. */
  public static final String PROXY_PROTOCOL = "com.enxame.mesh.proxy-protocol";

  public static final String ROUND_ROBIN = "round-robin";
  public static final String LEAST_CONN = "least-conn";
}
