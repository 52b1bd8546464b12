package io.enxame.mesh;

import io.enxame.shared.dispatcher.Route;
import io.enxame.shared.dispatcher.RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows the route table: opens a listener for each published port that appears, updates the backends of
 * the ports that stay, and closes the ports that are gone. Runs on the mesh verticle's context.
 */
final class PublishedPorts {
  private static final Logger LOG = LoggerFactory.getLogger(PublishedPorts.class);

  private final MeshRuntime mesh;
  private final String bindHost;
  // Concurrent only so tests and metrics may look from another thread; changed on the verticle's context.
  private final Map<String, PublishedPort> ports = new ConcurrentHashMap<>();

  PublishedPorts(MeshRuntime mesh, String bindHost) {
    this.mesh = mesh;
    this.bindHost = bindHost;
  }

  void apply(RouteTable table) {
    mesh.update(table);
    Set<String> wanted = new HashSet<>();
    for (Route route : table.getRoutesList()) {
      String key = PublishedPort.key(route);
      wanted.add(key);
      PublishedPort port = ports.get(key);
      if (port != null && port.state.route().getServiceId().equals(route.getServiceId())) {
        port.state.update(route);
        continue;
      }
      if (port != null) port.close(); // the port moved to another service
      PublishedPort opened = PublishedPort.open(mesh, route, bindHost);
      ports.put(key, opened);
      opened.bound().addListener(f -> {
        if (f.isSuccess()) LOG.info("mesh {}: {} published for service {}", mesh.nodeId, key, route.getServiceName());
        else LOG.error("mesh {}: cannot listen on {} for service {}: {}", mesh.nodeId, key, route.getServiceName(), f.cause().getMessage());
      });
    }
    ports.entrySet().removeIf(e -> {
      if (wanted.contains(e.getKey())) return false;
      e.getValue().close();
      LOG.info("mesh {}: {} no longer published", mesh.nodeId, e.getKey());
      return true;
    });
  }

  /** The port's state when this node publishes it (tests and metrics). */
  PublishedPort port(String key) { return ports.get(key); }

  void closeAll() {
    ports.values().forEach(PublishedPort::close);
    ports.clear();
  }
}
