package io.enxame.mesh;

import io.enxame.agent.NodeAgentVerticle;
import io.enxame.gateway.GatewayVerticle;
import io.enxame.scheduler.SchedulerVerticle;
import io.enxame.shared.model.Ids;
import io.enxame.shared.testing.Blocking;
import io.enxame.shared.testing.Ports;
import io.enxame.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A whole single-node swarm in one Vert.x instance, as {@code enxame up} runs it: real store (Ratis), scheduler
 * with its dispatcher, gateway, node-agent on the real Docker engine, and the mesh; published ports listen on
 * loopback only so tests do not collide with anything else on this machine.
 */
final class InProcessSwarm implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final String nodeId = Ids.newId();
  final MeshVerticle mesh = new MeshVerticle();
  int gatewayPort;
  int dispatcherPort;
  private final HttpClient http = HttpClient.newHttpClient();

  InProcessSwarm start() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "swarm");
    SchedulerVerticle scheduler = new SchedulerVerticle();
    GatewayVerticle gateway = new GatewayVerticle();
    deploy(new StoreVerticle(), new JsonObject().put("nodeId", nodeId).put("hostname", "mesh-test").put("dataDir", data.toString())
        .put("raftHost", "127.0.0.1").put("raftPort", Ports.free()).put("advertiseAddr", "127.0.0.1").put("dispatcherPort", 0)
        .put("initSwarm", true));
    deploy(scheduler, new JsonObject().put("dispatcherHost", "127.0.0.1").put("dispatcherPort", 0));
    dispatcherPort = scheduler.dispatcherPort();
    deploy(gateway, new JsonObject().put("host", "127.0.0.1").put("port", 0).put("nodeId", nodeId));
    gatewayPort = gateway.actualPort();
    deploy(new NodeAgentVerticle(), new JsonObject().put("nodeId", nodeId).put("dispatcher", dispatcher()).put("advertiseAddr", "127.0.0.1"));
    deploy(mesh, meshConfig(nodeId, "127.0.0.1").put("metricsAddr", "127.0.0.1:0"));
    return this;
  }

  String dispatcher() { return "127.0.0.1:" + dispatcherPort; }

  /** A mesh for {@code node} on this swarm's dispatcher, publishing on {@code bindHost}. */
  String deployMesh(MeshVerticle m, String node, String bindHost) throws Exception {
    return deploy(m, meshConfig(node, bindHost));
  }

  private JsonObject meshConfig(String node, String bindHost) {
    return new JsonObject().put("nodeId", node).put("dispatcher", dispatcher()).put("advertiseAddr", "127.0.0.1")
        .put("bindHost", bindHost).put("ioThreads", 2);
  }

  private String deploy(io.vertx.core.Deployable verticle, JsonObject config) throws Exception {
    return Blocking.await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));
  }

  /** One Engine API call on the gateway. */
  HttpResponse<String> api(String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/v1.41" + path))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A replicated service publishing {@code targetPort} as {@code publishedPort}; its id. */
  String createService(String name, String image, int replicas, String protocol, int publishedPort, int targetPort,
      JsonObject labels, String... command) throws Exception {
    return createService(name, image, replicas, "ingress", protocol, publishedPort, targetPort, labels, command);
  }

  String createService(String name, String image, int replicas, String publishMode, String protocol, int publishedPort,
      int targetPort, JsonObject labels, String... command) throws Exception {
    JsonObject container = new JsonObject().put("Image", image);
    if (command.length > 0) container.put("Command", new JsonArray(java.util.List.of((Object[]) command)));
    JsonObject spec = new JsonObject().put("Name", name).put("Labels", labels)
        .put("TaskTemplate", new JsonObject().put("ContainerSpec", container))
        .put("Mode", new JsonObject().put("Replicated", new JsonObject().put("Replicas", replicas)))
        .put("EndpointSpec", new JsonObject().put("Ports", new JsonArray().add(new JsonObject().put("Protocol", protocol)
            .put("TargetPort", targetPort).put("PublishedPort", publishedPort).put("PublishMode", publishMode))));
    HttpResponse<String> r = api("POST", "/services/create", spec);
    if (r.statusCode() != 201) throw new IllegalStateException("create " + name + ": " + r.statusCode() + " " + r.body());
    return new JsonObject(r.body()).getString("ID");
  }

  JsonObject inspect(String service) throws Exception {
    HttpResponse<String> r = api("GET", "/services/" + service, null);
    if (r.statusCode() != 200) throw new IllegalStateException("inspect " + service + ": " + r.statusCode() + " " + r.body());
    return new JsonObject(r.body());
  }

  void scale(String service, int replicas) throws Exception {
    JsonObject s = inspect(service);
    JsonObject spec = s.getJsonObject("Spec");
    spec.put("Mode", new JsonObject().put("Replicated", new JsonObject().put("Replicas", replicas)));
    HttpResponse<String> r = api("POST", "/services/" + service + "/update?version=" + s.getJsonObject("Version").getLong("Index"), spec);
    if (r.statusCode() != 200) throw new IllegalStateException("scale " + service + ": " + r.statusCode() + " " + r.body());
  }

  void remove(String service) throws Exception {
    api("DELETE", "/services/" + service, null);
  }

  @Override
  public void close() throws Exception {
    try {
      Blocking.await(vertx.close());
    } finally {
      Engine.removeContainersOf(nodeId);
    }
  }
}
