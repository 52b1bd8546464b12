package io.enxame.gateway;

import io.enxame.gateway.testing.GatewayFixture;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway over HTTP, against the in-memory fake store. Calls block the JUnit thread with
 * {@code await}, never an event loop, so that each scenario reads as the sequence a client runs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayIT {
  static final String SELF = GatewayFixture.SELF;
  static final String WORKER = GatewayFixture.WORKER;

  private Vertx vertx;
  private WebClient client;
  private StoreClient store;
  private int port;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    store = new StoreClient(vertx.eventBus());
    port = GatewayFixture.start(vertx).await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  @AfterEach
  void close() {
    client.close();
  }

  // ---- scenarios ----

  @Test
  void pingCarriesTheNegotiationAndSwarmHeaders() throws Exception {
    HttpResponse<Buffer> head = call(HttpMethod.HEAD, "/_ping", null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.getHeader("Api-Version")).isEqualTo("1.51");
    assertThat(head.getHeader("Ostype")).isEqualTo("linux");
    assertThat(head.getHeader("Docker-Experimental")).isEqualTo("false");
    assertThat(head.getHeader("Server")).startsWith("Enxame/").endsWith("(linux)");
    assertThat(head.getHeader("Swarm")).isEqualTo("active/manager");
    assertThat(head.getHeader("Cache-Control")).isEqualTo("no-cache, no-store, must-revalidate");
    assertThat(head.getHeader("Pragma")).isEqualTo("no-cache");
    HttpResponse<Buffer> get = call(HttpMethod.GET, "/_ping", null);
    assertThat(get.bodyAsString()).isEqualTo("OK");
    assertThat(get.getHeader("Swarm")).isEqualTo("active/manager");

    String clusterId = call(HttpMethod.GET, "/swarm", null).bodyAsJsonObject().getString("ID");
    store.tx(StoreOp.delete(Kind.CLUSTER, clusterId)).await(10, TimeUnit.SECONDS);
    assertThat(call(HttpMethod.HEAD, "/_ping", null).getHeader("Swarm")).isEqualTo("inactive");
    HttpResponse<Buffer> noSwarm = call(HttpMethod.GET, "/v1.51/swarm", null);
    assertThat(noSwarm.statusCode()).isEqualTo(503);
    assertThat(noSwarm.bodyAsJsonObject().getString("message")).startsWith("This node is not a swarm manager.");
    JsonObject swarm = call(HttpMethod.GET, "/info", null).bodyAsJsonObject().getJsonObject("Swarm");
    assertThat(swarm.getString("LocalNodeState")).isEqualTo("inactive");
    assertThat(swarm.getBoolean("ControlAvailable")).isFalse();
  }

  @Test
  void servesEveryVersionPrefixAndRefusesOthers() throws Exception {
    assertThat(call(HttpMethod.GET, "/v1.41/version", null).bodyAsJsonObject().getString("ApiVersion")).isEqualTo("1.51");
    HttpResponse<Buffer> info = call(HttpMethod.GET, "/v1.51/info", null);
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(info.getHeader("Api-Version")).isEqualTo("1.51");
    assertThat(call(HttpMethod.GET, "/v1.24/services", null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/services", null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> tooNew = call(HttpMethod.GET, "/v1.52/info", null);
    assertThat(tooNew.statusCode()).isEqualTo(400);
    assertThat(tooNew.bodyAsJsonObject().getString("message")).isEqualTo("client version 1.52 is too new. Maximum supported API version is 1.51");
    assertThat(tooNew.getHeader("Api-Version")).isEqualTo("1.51");
    HttpResponse<Buffer> unknown = call(HttpMethod.GET, "/v1.41/containers/json", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(unknown.bodyAsString()).isEqualTo("{\"message\":\"page not found\"}");
  }

  @Test
  void createsServicesAndRefusesDuplicatesAndBadSpecs() throws Exception {
    HttpResponse<Buffer> created = call(HttpMethod.POST, "/v1.51/services/create", serviceSpec("web", "{\"Replicated\":{}}"));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("ID");
    assertThat(created.bodyAsJsonObject().getJsonArray("Warnings")).isEmpty();

    // Same name, other port: the name conflict comes from the store (swarmkit checks ports first, as the gateway does).
    HttpResponse<Buffer> duplicate = call(HttpMethod.POST, "/v1.51/services/create",
        Buffer.buffer(serviceSpec("web", "{\"Global\":{}}").toString().replace("8080", "8081")));
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(duplicate.bodyAsJsonObject().getString("message"))
        .isEqualTo("rpc error: code = AlreadyExists desc = name conflicts with an existing object");

    HttpResponse<Buffer> negative = call(HttpMethod.POST, "/v1.51/services/create", serviceSpec("neg", "{\"Replicated\":{\"Replicas\":-1}}"));
    assertThat(negative.statusCode()).isEqualTo(400);
    assertThat(negative.getHeader("Content-Type")).isEqualTo("application/json");
    HttpResponse<Buffer> malformed = call(HttpMethod.POST, "/v1.51/services/create", Buffer.buffer("{\"Name\":"));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.bodyAsJsonObject().getString("message")).startsWith("invalid JSON");

    JsonArray services = call(HttpMethod.GET, "/v1.51/services", null).bodyAsJsonArray();
    assertThat(services).hasSize(1);
    JsonObject web = services.getJsonObject(0);
    assertThat(web.getString("ID")).isEqualTo(id);
    assertThat(web.getJsonObject("Spec").getJsonObject("Mode").encode()).isEqualTo("{\"Replicated\":{\"Replicas\":1}}");
    assertThat(web.getJsonObject("Endpoint").getJsonArray("Ports").getJsonObject(0).getInteger("PublishedPort")).isEqualTo(8080);
    assertThat(web.getJsonObject("Version").getLong("Index")).isPositive();

    HttpResponse<Buffer> portTaken = call(HttpMethod.POST, "/v1.51/services/create",
        Buffer.buffer(serviceSpec("web", "{\"Replicated\":{}}").toString().replace("\"web\"", "\"api\"")));
    assertThat(portTaken.statusCode()).isEqualTo(400);
    assertThat(portTaken.bodyAsJsonObject().getString("message")).startsWith("port '8080' is already in use by service 'web'");
  }

  @Test
  void inspectsByIdNameOrPrefixAndAnswersUnknownServicesLikeMoby() throws Exception {
    String id = createService("web");
    assertThat(call(HttpMethod.GET, "/v1.51/services/web", null).bodyAsJsonObject().getString("ID")).isEqualTo(id);
    assertThat(call(HttpMethod.GET, "/v1.51/services/" + id.substring(0, 6), null).bodyAsJsonObject().getString("ID")).isEqualTo(id);
    JsonObject withDefaults = call(HttpMethod.GET, "/v1.51/services/" + id + "?insertDefaults=true", null).bodyAsJsonObject();
    assertThat(withDefaults.getJsonObject("Spec").getJsonObject("UpdateConfig").getString("Order")).isEqualTo("stop-first");
    assertThat(call(HttpMethod.GET, "/v1.51/services/" + id + "?insertDefaults=false", null).bodyAsJsonObject()
        .getJsonObject("Spec").containsKey("UpdateConfig")).isFalse();

    HttpResponse<Buffer> nope = call(HttpMethod.GET, "/v1.51/services/nope", null);
    assertThat(nope.statusCode()).isEqualTo(404);
    assertThat(nope.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(nope.bodyAsString()).isEqualTo("{\"message\":\"service nope not found\"}");
  }

  @Test
  void updatesWithOptimisticConcurrencyAndRollsBack() throws Exception {
    String id = createService("web");
    long version = call(HttpMethod.GET, "/services/" + id, null).bodyAsJsonObject().getJsonObject("Version").getLong("Index");

    HttpResponse<Buffer> ok = call(HttpMethod.POST, "/v1.51/services/" + id + "/update?registryAuthFrom=spec&version=" + version,
        serviceSpec("web", "{\"Replicated\":{\"Replicas\":3}}"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsString()).isEqualTo("{\"Warnings\":null}");
    JsonObject updated = call(HttpMethod.GET, "/services/web", null).bodyAsJsonObject();
    assertThat(updated.getJsonObject("Spec").getJsonObject("Mode").getJsonObject("Replicated").getLong("Replicas")).isEqualTo(3);
    assertThat(updated.getJsonObject("PreviousSpec").getJsonObject("Mode").getJsonObject("Replicated").getLong("Replicas")).isEqualTo(1);

    HttpResponse<Buffer> stale = call(HttpMethod.POST, "/v1.51/services/" + id + "/update?version=" + version,
        serviceSpec("web", "{\"Replicated\":{\"Replicas\":5}}"));
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.bodyAsJsonObject().getString("message")).contains("update out of sequence");

    long v2 = updated.getJsonObject("Version").getLong("Index");
    HttpResponse<Buffer> rename = call(HttpMethod.POST, "/v1.51/services/" + id + "/update?version=" + v2,
        serviceSpec("web2", "{\"Replicated\":{}}"));
    assertThat(rename.statusCode()).isEqualTo(400);

    HttpResponse<Buffer> rollback = call(HttpMethod.POST, "/v1.51/services/web/update?rollback=previous&version=" + v2,
        serviceSpec("web", "{\"Replicated\":{\"Replicas\":3}}"));
    assertThat(rollback.statusCode()).isEqualTo(200);
    JsonObject rolledBack = call(HttpMethod.GET, "/services/web", null).bodyAsJsonObject();
    assertThat(rolledBack.getJsonObject("Spec").getJsonObject("Mode").getJsonObject("Replicated").getLong("Replicas")).isEqualTo(1);
  }

  @Test
  void filtersTasksByUpToDateServiceNameLabelAndNode() throws Exception {
    String id = createService("web");
    JsonObject service = call(HttpMethod.GET, "/services/" + id, null).bodyAsJsonObject();
    JsonObject template = service.getJsonObject("Spec").getJsonObject("TaskTemplate");
    String current = Ids.newId();
    String stale = Ids.newId();
    JsonObject staleSpec = template.copy().put("ForceUpdate", 7);
    store.tx(StoreOp.create(Kind.TASKS, task(current, service, 1, SELF, template, "running")),
        StoreOp.create(Kind.TASKS, task(stale, service, 2, WORKER, staleSpec, "running"))).await(10, TimeUnit.SECONDS);

    assertThat(ids(tasks("{\"_up-to-date\":{\"true\":true},\"service\":{\"" + id + "\":true}}"))).containsExactly(current);
    assertThat(ids(tasks("{\"service\":{\"web\":true}}"))).containsExactlyInAnyOrder(current, stale);
    assertThat(ids(tasks("{\"service\":[\"web\"],\"_up-to-date\":[\"1\"]}"))).containsExactly(current);
    assertThat(ids(tasks("{\"label\":{\"com.docker.stack.namespace=st\":true}}"))).containsExactlyInAnyOrder(current, stale);
    assertThat(ids(tasks("{\"label\":{\"com.docker.stack.namespace=other\":true}}"))).isEmpty();
    assertThat(ids(tasks("{\"node\":{\"worker-1\":true}}"))).containsExactly(stale);
    assertThat(ids(tasks("{\"desired-state\":{\"running\":true},\"name\":{\"web.1\":true}}"))).containsExactly(current);

    assertThat(call(HttpMethod.GET, "/tasks?filters=" + enc("{\"colour\":{\"red\":true}}"), null).bodyAsJsonObject()
        .getString("message")).isEqualTo("invalid filter 'colour'");
    assertThat(call(HttpMethod.GET, "/tasks?filters=" + enc("{\"service\":{\"nope\":true}}"), null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/tasks?filters=" + enc("{not json"), null).statusCode()).isEqualTo(400);

    JsonObject inspected = call(HttpMethod.GET, "/v1.51/tasks/" + current.substring(0, 10), null).bodyAsJsonObject();
    assertThat(inspected.getString("ID")).isEqualTo(current);
    assertThat(call(HttpMethod.GET, "/v1.51/tasks/nope", null).bodyAsJsonObject().getString("message")).isEqualTo("task nope not found");

    JsonObject listed = call(HttpMethod.GET, "/v1.51/services?status=true", null).bodyAsJsonArray().getJsonObject(0);
    assertThat(listed.getJsonObject("ServiceStatus").encode()).isEqualTo("{\"RunningTasks\":2,\"DesiredTasks\":1,\"CompletedTasks\":0}");
    assertThat(call(HttpMethod.GET, "/v1.40/services?status=true", null).bodyAsJsonArray().getJsonObject(0)
        .containsKey("ServiceStatus")).isFalse();
  }

  @Test
  void deletingAServiceRemovesItsTasksInTheSameTransaction() throws Exception {
    String web = createService("web");
    String db = createService("db");
    JsonObject webService = call(HttpMethod.GET, "/services/" + web, null).bodyAsJsonObject();
    JsonObject dbService = call(HttpMethod.GET, "/services/" + db, null).bodyAsJsonObject();
    JsonObject template = webService.getJsonObject("Spec").getJsonObject("TaskTemplate");
    store.tx(StoreOp.create(Kind.TASKS, task(Ids.newId(), webService, 1, SELF, template, "running")),
        StoreOp.create(Kind.TASKS, task(Ids.newId(), webService, 2, SELF, template, "running")),
        StoreOp.create(Kind.TASKS, task(Ids.newId(), dbService, 1, SELF, template, "running"))).await(10, TimeUnit.SECONDS);

    HttpResponse<Buffer> removed = call(HttpMethod.DELETE, "/v1.51/services/web", null);
    assertThat(removed.statusCode()).isEqualTo(200);
    assertThat(removed.body() == null || removed.body().length() == 0).isTrue();
    JsonArray left = call(HttpMethod.GET, "/tasks", null).bodyAsJsonArray();
    assertThat(left).hasSize(1);
    assertThat(left.getJsonObject(0).getString("ServiceID")).isEqualTo(db);
    assertThat(call(HttpMethod.GET, "/services/web", null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/services/web", null).statusCode()).isEqualTo(404);
  }

  @Test
  void listsResolvesUpdatesAndRemovesNodes() throws Exception {
    assertThat(call(HttpMethod.GET, "/nodes", null).bodyAsJsonArray()).hasSize(3);
    assertThat(ids(call(HttpMethod.GET, "/nodes?filters=" + enc("{\"role\":{\"manager\":true}}"), null).bodyAsJsonArray()))
        .containsExactly(SELF);
    assertThat(call(HttpMethod.GET, "/nodes?filters=" + enc("{\"bogus\":{\"x\":true}}"), null).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.GET, "/nodes/worker-1", null).bodyAsJsonObject().getString("ID")).isEqualTo(WORKER);
    assertThat(call(HttpMethod.GET, "/nodes/xyz", null).bodyAsJsonObject().getString("message")).isEqualTo("node xyz not found");

    JsonObject worker = call(HttpMethod.GET, "/nodes/" + WORKER, null).bodyAsJsonObject();
    long version = worker.getJsonObject("Version").getLong("Index");
    Buffer drain = Buffer.buffer("{\"Labels\":{\"zone\":\"a\"},\"Role\":\"worker\",\"Availability\":\"drain\"}\n");
    assertThat(call(HttpMethod.POST, "/v1.51/nodes/" + WORKER + "/update?version=" + version, drain).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/nodes/" + WORKER, null).bodyAsJsonObject().getJsonObject("Spec").getString("Availability"))
        .isEqualTo("drain");
    assertThat(call(HttpMethod.POST, "/v1.51/nodes/" + WORKER + "/update?version=" + version, drain).statusCode()).isEqualTo(409);
    Buffer bad = Buffer.buffer("{\"Role\":\"boss\",\"Availability\":\"active\"}");
    assertThat(call(HttpMethod.POST, "/v1.51/nodes/" + WORKER + "/update?version=" + version, bad).bodyAsJsonObject()
        .getString("message")).isEqualTo("invalid Role: \"boss\"");

    assertThat(call(HttpMethod.DELETE, "/nodes/" + SELF, null).bodyAsJsonObject().getString("message"))
        .contains("must be demoted to worker before removal");
    assertThat(call(HttpMethod.DELETE, "/nodes/" + WORKER, null).bodyAsJsonObject().getString("message"))
        .isEqualTo("rpc error: code = FailedPrecondition desc = node " + WORKER + " is not down and can't be removed");
    assertThat(call(HttpMethod.DELETE, "/nodes/worker-2", null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.DELETE, "/nodes/" + WORKER + "?force=1", null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/nodes", null).bodyAsJsonArray()).hasSize(1);
  }

  @Test
  void swarmAndInfoDescribeTheCluster() throws Exception {
    JsonObject swarm = call(HttpMethod.GET, "/v1.51/swarm", null).bodyAsJsonObject();
    assertThat(swarm.getJsonObject("JoinTokens").getString("Worker")).startsWith("SWMTKN-1-");
    assertThat(call(HttpMethod.POST, "/v1.51/swarm/init", Buffer.buffer("{}")).statusCode()).isEqualTo(503);

    long version = swarm.getJsonObject("Version").getLong("Index");
    JsonObject spec = swarm.getJsonObject("Spec").copy();
    spec.getJsonObject("Orchestration").put("TaskHistoryRetentionLimit", 10);
    String update = "/v1.51/swarm/update?rotateManagerToken=false&rotateManagerUnlockKey=false&rotateWorkerToken=true&version=";
    assertThat(call(HttpMethod.POST, update + version, spec.toBuffer()).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.POST, update + version, spec.toBuffer()).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.POST, update + "abc", spec.toBuffer()).statusCode()).isEqualTo(400);
    JsonObject after = call(HttpMethod.GET, "/swarm", null).bodyAsJsonObject();
    assertThat(after.getJsonObject("Spec").getJsonObject("Orchestration").getLong("TaskHistoryRetentionLimit")).isEqualTo(10);
    assertThat(after.getJsonObject("JoinTokens").getString("Worker")).isNotEqualTo(swarm.getJsonObject("JoinTokens").getString("Worker"))
        .startsWith(swarm.getJsonObject("JoinTokens").getString("Worker").substring(0, 60));
    assertThat(after.getJsonObject("JoinTokens").getString("Manager")).isEqualTo(swarm.getJsonObject("JoinTokens").getString("Manager"));
    // docker swarm ca --rotate with a certificate but no key (only an external CA could sign), a key but no
    // certificate, or an external CA: refused with swarmkit's words or ours, nothing changes.
    long afterVersion = after.getJsonObject("Version").getLong("Index");
    JsonObject certOnly = after.getJsonObject("Spec").copy();
    certOnly.getJsonObject("CAConfig").put("SigningCACert", "-----BEGIN CERTIFICATE-----\n");
    JsonObject keyOnly = after.getJsonObject("Spec").copy();
    keyOnly.getJsonObject("CAConfig").put("SigningCAKey", "-----BEGIN EC PRIVATE KEY-----\n");
    JsonObject external = after.getJsonObject("Spec").copy();
    external.getJsonObject("CAConfig").put("ExternalCAs", new JsonArray().add(new JsonObject().put("Protocol", "cfssl").put("URL", "https://ca.example:8888")));
    Map<JsonObject, String> refusals = Map.of(
        certOnly, "rpc error: code = InvalidArgument desc = there must be at least one valid, reachable external CA corresponding to the desired CA certificate",
        keyOnly, "rpc error: code = InvalidArgument desc = if a signing CA key is provided, the signing CA cert must also be provided",
        external, "external CAs are not supported by Enxame (--external-ca)");
    refusals.forEach((refusedSpec, message) -> {
      try {
        var refused = call(HttpMethod.POST, update + afterVersion, refusedSpec.toBuffer());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.bodyAsJsonObject().getString("message")).startsWith(message);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    JsonObject unchanged = call(HttpMethod.GET, "/swarm", null).bodyAsJsonObject();
    assertThat(unchanged.getJsonObject("Version").getLong("Index")).isEqualTo(afterVersion);
    assertThat(unchanged.getJsonObject("Spec").getJsonObject("CAConfig").fieldNames()).doesNotContain("SigningCACert", "SigningCAKey", "ExternalCAs");

    JsonObject info = call(HttpMethod.GET, "/v1.51/info", null).bodyAsJsonObject();
    assertThat(info.getString("Name")).isEqualTo("manager-1");
    assertThat(info.getLong("NCPU")).isEqualTo(2);
    assertThat(info.getLong("MemTotal")).isEqualTo(2147483648L);
    assertThat(info.getString("ServerVersion")).isEqualTo("28.5.2");
    JsonObject s = info.getJsonObject("Swarm");
    assertThat(s.getString("NodeID")).isEqualTo(SELF);
    assertThat(s.getString("LocalNodeState")).isEqualTo("active");
    assertThat(s.getBoolean("ControlAvailable")).isTrue();
    assertThat(s.getLong("Nodes")).isEqualTo(3);
    assertThat(s.getLong("Managers")).isEqualTo(1);
    assertThat(s.getJsonArray("RemoteManagers").getJsonObject(0).encode())
        .isEqualTo("{\"NodeID\":\"" + SELF + "\",\"Addr\":\"127.0.0.1:2377\"}");
    assertThat(s.getJsonObject("Cluster").containsKey("JoinTokens")).isFalse();
    assertThat(s.getJsonObject("Cluster").getString("ID")).isEqualTo(swarm.getString("ID"));
  }

  @Test
  void answersDistributionLookupsAtOnceWithAnEmptyDigest() throws Exception {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/v1.51/distribution/ghcr.io/org/app:1.0@sha256:abc/json", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonObject("Descriptor").getString("digest")).isEmpty();
    assertThat(r.bodyAsJsonObject().getJsonArray("Platforms")).isEmpty();
  }

  // ---- helpers ----

  HttpResponse<Buffer> call(HttpMethod method, String uri, Buffer body) throws Exception {
    var request = client.request(method, uri);
    Future<HttpResponse<Buffer>> response = body == null ? request.send()
        : request.putHeader("Content-Type", "application/json").sendBuffer(body);
    return response.await(10, TimeUnit.SECONDS);
  }

  String createService(String name) throws Exception {
    HttpResponse<Buffer> r = call(HttpMethod.POST, "/v1.51/services/create", serviceSpec(name, "{\"Replicated\":{}}"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("ID");
  }

  private JsonArray tasks(String filters) throws Exception {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/v1.51/tasks?filters=" + enc(filters), null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonArray();
  }

  private static List<String> ids(JsonArray objects) {
    return objects.stream().map(o -> ((JsonObject) o).getString("ID")).toList();
  }

  private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

  /** A spec as the CLI sends it, labelled as a stack would label it, with a trailing newline. */
  static Buffer serviceSpec(String name, String mode) {
    return Buffer.buffer("{\"Name\":\"" + name + "\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"},"
        + "\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox:latest\",\"Args\":[\"sleep\",\"1000\"]},"
        + "\"Resources\":{\"Limits\":{},\"Reservations\":{}},\"Placement\":{},\"ForceUpdate\":0},\"Mode\":" + mode + ","
        + "\"EndpointSpec\":{\"Mode\":\"vip\",\"Ports\":[" + ("web".equals(name) ? "{\"Protocol\":\"tcp\",\"TargetPort\":80,"
        + "\"PublishedPort\":8080,\"PublishMode\":\"ingress\"}" : "") + "]}}\n");
  }

  static JsonObject task(String id, JsonObject service, int slot, String node, JsonObject spec, String state) {
    return new JsonObject().put("ID", id).put("ServiceID", service.getString("ID")).put("Slot", slot).put("NodeID", node)
        .put("Spec", spec.copy()).put("DesiredState", "running")
        .put("ServiceAnnotations", new JsonObject().put("Name", service.getJsonObject("Spec").getString("Name"))
            .put("Labels", service.getJsonObject("Spec").getJsonObject("Labels")))
        .put("Status", new JsonObject().put("Timestamp", "2024-01-01T00:00:00.000000000Z").put("State", state).put("Message", state)
            .put("ContainerStatus", new JsonObject().put("ContainerID", "c" + id).put("PID", 1).put("ExitCode", 0)));
  }
}
