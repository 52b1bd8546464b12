package io.enxame.scheduler.dispatcher;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.dispatcher.Backend;
import io.enxame.shared.dispatcher.MeshPeer;
import io.enxame.shared.dispatcher.Route;
import io.enxame.shared.dispatcher.RouteTable;
import io.enxame.shared.dispatcher.RoutesRequest;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.MeshLabels;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing table the nodes' meshes follow (Dispatcher.Routes): every published ingress port with the
 * tasks that may take new flows, computed from the view. Each mesh gets the whole table when it subscribes
 * and again whenever it changed; changes within a short window are sent once. The meshes also say where
 * other meshes reach them, which the table carries as peers: that is in memory only, rebuilt as meshes
 * reconnect. Runs on the scheduler's event loop.
 */
public final class RouteTables {
  private static final Logger LOG = LoggerFactory.getLogger(RouteTables.class);
  /** Changes arriving within this window make one table. */
  static final long DEBOUNCE_MS = 10;
  private static final Set<String> PROTOCOLS = Set.of("tcp", "udp");

  private final Vertx vertx;
  private final ClusterView view;
  private final Map<GrpcServerRequest<RoutesRequest, RouteTable>, RoutesRequest> subscribers = new HashMap<>();
  private RouteTable last;
  private long timer = -1;

  public RouteTables(Vertx vertx, ClusterView view) {
    this.vertx = vertx;
    this.view = view;
  }

  void subscribe(GrpcServerRequest<RoutesRequest, RouteTable> call) {
    call.handler(request -> {
      subscribers.put(call, request);
      LOG.info("mesh of node {} subscribed to routes ({})", request.getNodeId(), request.getMeshAddr());
      last = table();
      subscribers.keySet().forEach(c -> send(c, last)); // the peers changed for everyone
    });
    call.exceptionHandler(e -> unsubscribe(call));
    call.endHandler(v -> { }); // a server-streaming call's request side ends after its one message
    call.response().exceptionHandler(e -> unsubscribe(call));
  }

  private void unsubscribe(GrpcServerRequest<RoutesRequest, RouteTable> call) {
    if (subscribers.remove(call) != null) changed();
  }

  /** Something in the view changed: send the table if it differs from the last one sent. */
  public void changed() {
    if (timer >= 0 || subscribers.isEmpty()) return;
    timer = vertx.setTimer(DEBOUNCE_MS, id -> {
      timer = -1;
      RouteTable now = table();
      if (now.equals(last)) return;
      last = now;
      new ArrayList<>(subscribers.keySet()).forEach(c -> send(c, now));
    });
  }

  public void close() {
    if (timer >= 0) vertx.cancelTimer(timer);
    subscribers.keySet().forEach(c -> {
      try {
        c.response().end();
      } catch (RuntimeException alreadyEnded) {
        // the mesh went away first
      }
    });
    subscribers.clear();
  }

  private void send(GrpcServerRequest<RoutesRequest, RouteTable> call, RouteTable table) {
    try {
      call.response().write(table).onFailure(e -> unsubscribe(call));
    } catch (IllegalStateException cancelled) {
      unsubscribe(call); // the mesh went away without this side hearing of it yet
    }
  }

  /** The table as the view has it now. */
  RouteTable table() {
    RouteTable.Builder table = RouteTable.newBuilder();
    Map<String, List<JsonObject>> tasks = view.tasksByService();
    List<JsonObject> services = new ArrayList<>(view.all(Kind.SERVICES));
    services.sort(Comparator.comparing(s -> s.getString("ID")));
    for (JsonObject service : services) {
      List<Backend> backends = backends(tasks.getOrDefault(service.getString("ID"), List.of()));
      for (Object o : Json.arrayOrEmpty(service, "Endpoint.Ports")) {
        if (!(o instanceof JsonObject port) || !"ingress".equals(port.getString("PublishMode"))) continue;
        String protocol = port.getString("Protocol", "tcp");
        if (!PROTOCOLS.contains(protocol) || port.getInteger("PublishedPort", 0) <= 0) continue;
        JsonObject labels = Json.objectOrEmpty(service, "Spec.Labels");
        table.addRoutes(Route.newBuilder()
            .setProtocol(protocol)
            .setPublishedPort(port.getInteger("PublishedPort"))
            .setTargetPort(port.getInteger("TargetPort", 0))
            .setServiceId(service.getString("ID"))
            .setServiceName(Json.string(service, "Spec.Name") == null ? "" : Json.string(service, "Spec.Name"))
            .setLb(MeshLabels.LEAST_CONN.equals(labels.getString(MeshLabels.LB)) ? MeshLabels.LEAST_CONN : MeshLabels.ROUND_ROBIN)
            .setProxyProtocol(proxyProtocol(labels.getString(MeshLabels.PROXY_PROTOCOL)))
            .addAllBackends(backends));
      }
    }
    subscribers.values().stream().sorted(Comparator.comparing(RoutesRequest::getNodeId)).forEach(r ->
        table.addPeers(MeshPeer.newBuilder().setNodeId(r.getNodeId()).setMeshAddr(r.getMeshAddr())));
    return table.build();
  }

  private static String proxyProtocol(String label) {
    return "v1".equals(label) || "v2".equals(label) ? label : "";
  }

  /**
   * Tasks that may take new flows: desired and observed running (the agent reports {@code starting} until a
   * health check passes, so running means healthy), with an address, on a node that is not down. A task
   * being shut down has a lower desired state and leaves the table before its container stops.
   */
  private List<Backend> backends(List<JsonObject> tasks) {
    List<Backend> out = new ArrayList<>();
    for (JsonObject t : tasks) {
      if (Tasks.desired(t) != TaskState.RUNNING || Tasks.observed(t) != TaskState.RUNNING) continue;
      List<String> ips = Tasks.ips(t);
      String nodeId = t.getString("NodeID");
      if (ips.isEmpty() || nodeId == null || "down".equals(Json.string(view.get(Kind.NODES, nodeId), "Status.State"))) continue;
      out.add(Backend.newBuilder().setTaskId(t.getString("ID")).setNodeId(nodeId).setIp(ips.get(0)).build());
    }
    out.sort(Comparator.comparing(Backend::getTaskId));
    return out;
  }
}
