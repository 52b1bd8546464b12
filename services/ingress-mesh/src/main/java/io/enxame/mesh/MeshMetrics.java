package io.enxame.mesh;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-service counters of this node's mesh, updated from the I/O threads: flows opened and open now, bytes
 * each way, and errors (no backend, connect failures, refused hops, dropped datagrams).
 */
public final class MeshMetrics {
  /** Counters of one service. */
  public static final class Service {
    final String name;
    final LongAdder connections = new LongAdder();
    final AtomicLong active = new AtomicLong();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder errors = new LongAdder();

    Service(String name) { this.name = name; }

    public long connections() { return connections.sum(); }
    public long active() { return active.get(); }
    public long bytesIn() { return bytesIn.sum(); }
    public long bytesOut() { return bytesOut.sum(); }
    public long errors() { return errors.sum(); }
  }

  private final Map<String, Service> services = new ConcurrentHashMap<>();

  Service of(String serviceId, String name) {
    return services.computeIfAbsent(serviceId, id -> new Service(name));
  }

  /** The counters of a service, or null when the mesh never routed for it. */
  public Service service(String serviceId) { return services.get(serviceId); }

  /**
   * {@code {"services":[{"id","name","connections","active","bytesIn","bytesOut","errors"}]}}; bytesIn is
   * client to backend.
   */
  public JsonObject toJson() {
    JsonArray out = new JsonArray();
    services.forEach((id, s) -> out.add(new JsonObject().put("id", id).put("name", s.name)
        .put("connections", s.connections()).put("active", s.active()).put("bytesIn", s.bytesIn())
        .put("bytesOut", s.bytesOut()).put("errors", s.errors())));
    return new JsonObject().put("services", out);
  }

  /** The same counters in the Prometheus text format. */
  public String toPrometheus() {
    StringBuilder b = new StringBuilder();
    metric(b, "enxame_mesh_connections_total", "counter", "Flows the mesh opened to a backend", Service::connections);
    metric(b, "enxame_mesh_active_connections", "gauge", "Flows open now", Service::active);
    metric(b, "enxame_mesh_received_bytes_total", "counter", "Bytes from clients to backends", Service::bytesIn);
    metric(b, "enxame_mesh_sent_bytes_total", "counter", "Bytes from backends to clients", Service::bytesOut);
    metric(b, "enxame_mesh_errors_total", "counter", "Flows refused or failed", Service::errors);
    return b.toString();
  }

  private void metric(StringBuilder b, String name, String type, String help, java.util.function.ToLongFunction<Service> value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    services.forEach((id, s) -> b.append(name).append("{service_id=\"").append(id).append("\",service_name=\"").append(s.name)
        .append("\"} ").append(value.applyAsLong(s)).append('\n'));
  }
}
