package io.enxame.gateway.worker;

import io.enxame.shared.bus.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker's Docker API over HTTP, on a node its test tells about: what a worker's dockerd answers, and what it refuses. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkerApiTest {
  private static final String NODE = "workernode000000000000001";

  private WebClient client;

  private final WorkerNode node = new WorkerNode() {
    @Override
    public JsonObject self() {
      return new JsonObject().put("ID", NODE).put("Status", new JsonObject().put("Addr", "127.0.0.2"))
          .put("Description", new JsonObject().put("Hostname", "worker-1").put("Engine", new JsonObject().put("EngineVersion", "20.10.24")));
    }

    @Override
    public Future<List<JsonObject>> tasks() {
      return Future.succeededFuture(List.of(task("running", "c1"), task("failed", "c2"), task("pending", "")));
    }

    @Override
    public Future<List<String>> managers() {
      return Future.succeededFuture(List.of("127.0.0.1:2377", "127.0.0.3:2377"));
    }
  };

  private static JsonObject task(String state, String container) {
    return new JsonObject().put("NodeID", NODE)
        .put("Status", new JsonObject().put("State", state).put("ContainerStatus", new JsonObject().put("ContainerID", container)));
  }

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    WorkerApiVerticle api = new WorkerApiVerticle(node);
    vertx.deployVerticle(api, new DeploymentOptions().setConfig(new JsonObject().put("host", "127.0.0.1").put("port", 0)))
        .await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(api.host()).setDefaultPort(api.actualPort()));
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void pingVersionAndInfoAreAWorkersDockerd() throws Exception {
    HttpResponse<Buffer> ping = call(HttpMethod.HEAD, "/_ping");
    assertThat(ping.statusCode()).isEqualTo(200);
    assertThat(ping.getHeader("Swarm")).isEqualTo("active/worker");
    assertThat(ping.getHeader("Api-Version")).isEqualTo("1.51");
    assertThat(call(HttpMethod.GET, "/v1.41/version").bodyAsJsonObject().getString("ApiVersion")).isEqualTo("1.51");

    JsonObject info = call(HttpMethod.GET, "/v1.51/info").bodyAsJsonObject();
    assertThat(info.getString("ID")).isEqualTo(NODE);
    assertThat(info.getString("Name")).isEqualTo("worker-1");
    assertThat(info.getString("ServerVersion")).isEqualTo("20.10.24");
    assertThat(info.getInteger("Containers")).isEqualTo(2);
    assertThat(info.getInteger("ContainersRunning")).isEqualTo(1);
    JsonObject swarm = info.getJsonObject("Swarm");
    assertThat(swarm.getString("LocalNodeState")).isEqualTo("active");
    assertThat(swarm.getBoolean("ControlAvailable")).isFalse();
    assertThat(swarm.getString("NodeID")).isEqualTo(NODE);
    assertThat(swarm.getString("NodeAddr")).isEqualTo("127.0.0.2");
    assertThat(swarm.getJsonArray("RemoteManagers")).containsExactly(
        new JsonObject().put("NodeID", "").put("Addr", "127.0.0.1:2377"), new JsonObject().put("NodeID", "").put("Addr", "127.0.0.3:2377"));
    // A worker sees no cluster: moby leaves these out.
    assertThat(swarm.containsKey("Cluster")).isFalse();
    assertThat(swarm.containsKey("Nodes")).isFalse();
  }

  @Test
  void theSwarmsStateIsAManagersBusiness() throws Exception {
    for (String path : new String[] {"/v1.51/nodes", "/nodes/x", "/v1.24/services", "/services/web/logs", "/tasks", "/secrets",
        "/configs/c", "/swarm", "/swarm/unlockkey"}) {
      HttpResponse<Buffer> r = call(HttpMethod.GET, path);
      assertThat(r.statusCode()).as(path).isEqualTo(503);
      assertThat(r.getHeader("Content-Type")).as(path).isEqualTo("application/json");
      assertThat(r.bodyAsJsonObject().getString("message")).as(path).isEqualTo(WorkerRoutes.NOT_A_MANAGER);
    }
    for (String path : new String[] {"/services/create", "/swarm/update", "/swarm/unlock", "/networks/create", "/nodes/x/update"}) {
      assertThat(call(HttpMethod.POST, path).statusCode()).as(path).isEqualTo(503);
    }
    assertThat(call(HttpMethod.DELETE, "/v1.51/services/web").statusCode()).isEqualTo(503);
    assertThat(call(HttpMethod.POST, "/swarm/join").bodyAsJsonObject().getString("message")).startsWith("This node is already part of a swarm.");
    assertThat(call(HttpMethod.GET, "/networks").bodyAsJsonArray()).isEqualTo(new JsonArray());
    HttpResponse<Buffer> network = call(HttpMethod.GET, "/networks/back?scope=swarm");
    assertThat(network.statusCode()).isEqualTo(404);
    assertThat(network.bodyAsJsonObject().getString("message")).isEqualTo("network back not found");
    assertThat(call(HttpMethod.GET, "/containers/json").bodyAsJsonObject().getString("message")).isEqualTo("page not found");
    assertThat(call(HttpMethod.GET, "/v1.99/info").statusCode()).isEqualTo(400);
  }

  @Test
  void leaveAsksTheNodesProcessAndPassesARefusalOn(Vertx vertx) throws Exception {
    HttpResponse<Buffer> nobody = call(HttpMethod.POST, "/v1.51/swarm/leave");
    assertThat(nobody.statusCode()).isEqualTo(503);
    assertThat(nobody.bodyAsJsonObject().getString("message")).startsWith("This Enxame process cannot leave the swarm");

    MessageConsumer<JsonObject> leaves = vertx.eventBus().localConsumer(Addresses.NODE_LEAVE, m -> m.reply(new JsonObject()));
    assertThat(call(HttpMethod.POST, "/v1.51/swarm/leave").statusCode()).isEqualTo(200);
    leaves.unregister().await(5, TimeUnit.SECONDS);
    leaves = vertx.eventBus().localConsumer(Addresses.NODE_LEAVE, m -> m.fail(503, "This node is not part of a swarm"));
    HttpResponse<Buffer> refused = call(HttpMethod.POST, "/v1.51/swarm/leave?force=1");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.bodyAsJsonObject().getString("message")).isEqualTo("This node is not part of a swarm");
    leaves.unregister().await(5, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> call(HttpMethod method, String uri) throws Exception {
    return client.request(method, uri).send().await(10, TimeUnit.SECONDS);
  }
}
