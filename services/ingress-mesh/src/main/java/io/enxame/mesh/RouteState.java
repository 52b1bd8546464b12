package io.enxame.mesh;

import io.enxame.shared.dispatcher.Backend;
import io.enxame.shared.dispatcher.Route;
import io.enxame.shared.model.MeshLabels;

import java.util.List;

/** What one published port routes to now; replaced in place as tables arrive, read by the I/O threads. */
final class RouteState {
  final Balancer balancer = new Balancer();
  final MeshMetrics.Service stats;
  private volatile Route route;

  RouteState(Route route, MeshMetrics metrics) {
    this.stats = metrics.of(route.getServiceId(), route.getServiceName());
    update(route);
  }

  void update(Route fresh) {
    route = fresh;
    List<Target> targets = fresh.getBackendsList().stream()
        .map((Backend b) -> new Target(b.getTaskId(), b.getNodeId(), b.getIp(), fresh.getTargetPort())).toList();
    balancer.update(targets, MeshLabels.LEAST_CONN.equals(fresh.getLb()));
  }

  Route route() { return route; }

  String proxyProtocol() { return route.getProxyProtocol(); }
}
