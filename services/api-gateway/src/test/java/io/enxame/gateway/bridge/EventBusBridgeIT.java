package io.enxame.gateway.bridge;

import io.enxame.gateway.GatewayVerticle;
import io.enxame.gateway.testing.GatewayFixture;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.BridgeAddresses;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.testing.TestPki;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TCP event-bus bridge with a raw client over a real store: a plaintext bridge on loopback and a TLS one (a second
 * gateway on the same store) with certificates of a test CA.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventBusBridgeIT {
  private static final String DENIED = "blocked by bridgeEvent handler";

  @TempDir
  static Path certs;
  private Vertx vertx;
  private StoreClient store;
  private int plainPort;
  private int tlsPort;
  private TestPki pki;

  @BeforeAll
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    store = new StoreClient(vertx.eventBus());
    GatewayFixture.Running plain = GatewayFixture.startWithStore(vertx, new JsonObject().put("bridgePort", 0)).await(20, TimeUnit.SECONDS);
    plainPort = plain.gateway().actualBridgePort();

    pki = TestPki.create("cluster0000000000000000001");
    NodeTls server = pki.issue(certs.resolve("gateway"), GatewayFixture.SELF, NodeTls.MANAGER_OU);
    GatewayVerticle tlsGateway = new GatewayVerticle();
    vertx.deployVerticle(tlsGateway, new DeploymentOptions().setConfig(new JsonObject().put("host", "127.0.0.1").put("port", 0)
        .put("nodeId", GatewayFixture.SELF).put("tls", server.toConfig()).put("tlsPort", 0)
        .put("bridgePort", 0).put("bridgeTls", true))).await(20, TimeUnit.SECONDS);
    tlsPort = tlsGateway.actualBridgePort();
    assertThat(plainPort).isPositive();
    assertThat(tlsPort).isPositive().isNotEqualTo(plainPort);
  }

  @Test
  void listsServicesAndGetsANode() throws Exception {
    create(Kind.SERVICES, service("listed"));
    try (RawBridgeClient client = RawBridgeClient.connect(vertx, new NetClientOptions(), plainPort)) {
      JsonObject reply = client.request(Addresses.STORE_LIST, new JsonObject().put("kind", "services"));
      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getString("address")).isEqualTo("reply-0");
      assertThat(reply.getJsonObject("body").getLong("index")).isPositive();
      assertThat(names(reply.getJsonObject("body").getJsonArray("items"))).contains("listed");

      JsonObject node = client.request(Addresses.STORE_GET, new JsonObject().put("kind", "nodes").put("id", GatewayFixture.WORKER));
      assertThat(node.getJsonObject("body").getString("ID")).isEqualTo(GatewayFixture.WORKER);

      // Headers and extra fields are dropped: a codec that does not exist would make the bus refuse the request.
      client.send(new JsonObject().put("type", "send").put("address", Addresses.STORE_LIST).put("replyAddress", "with-headers")
          .put("headers", new JsonObject().put("codecName", "no-such-codec"))
          .put("body", new JsonObject().put("kind", "nodes").put("q", "snapshot")));
      JsonObject nodes = client.next();
      assertThat(nodes.getString("address")).isEqualTo("with-headers");
      assertThat(nodes.getJsonObject("body").getJsonArray("items")).hasSize(3);
    }
  }

  @Test
  void followsTheChangesOfReadableKindsOnly() throws Exception {
    try (RawBridgeClient client = RawBridgeClient.connect(vertx, new NetClientOptions(), plainPort)) {
      JsonObject register = new JsonObject().put("type", "register").put("address", BridgeAddresses.CHANGES);
      client.send(register);
      client.ping();
      client.send(register);
      refused(client.next()); // once per connection: events arrive once each
      String clusterId = store.list(Kind.CLUSTER).await(10, TimeUnit.SECONDS).get(0).getString("ID");
      create(Kind.SECRETS, sealed("followed-secret"));
      create(Kind.CONFIGS, sealed("followed-config"));
      store.tx(StoreOp.merge(Kind.CLUSTER, clusterId, new JsonObject().put("RootRotationInProgress", false)))
          .await(10, TimeUnit.SECONDS);
      String serviceId = create(Kind.SERVICES, service("followed"));

      List<JsonObject> events = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        JsonObject frame = client.next();
        assertThat(frame.getString("type")).isEqualTo("message");
        assertThat(frame.getString("address")).isEqualTo(BridgeAddresses.CHANGES);
        events.add(frame.getJsonObject("body"));
      }
      // Every commit arrives, chained by its indexes; the secret's, the config's and the cluster's with no change left.
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).getLong("prevIndex")).as("%s", events).isEqualTo(events.get(i - 1).getLong("index"));
      }
      assertThat(events.subList(0, 3)).allSatisfy(e -> assertThat(e.getJsonArray("changes")).isEmpty());
      JsonObject change = events.get(3).getJsonArray("changes").getJsonObject(0);
      assertThat(change.getString("kind")).isEqualTo("services");
      assertThat(change.getString("id")).isEqualTo(serviceId);
      assertThat(events.toString()).doesNotContain("Sealed", "Ciphertext", "SWMTKN-1-");
      client.ping();
      assertThat(client.waiting()).isZero();
    }
  }

  @Test
  void refusesWritesSecretsTheClusterAndEveryOtherAddress() throws Exception {
    try (RawBridgeClient client = RawBridgeClient.connect(vertx, new NetClientOptions(), plainPort)) {
      String sneaky = Ids.newId();
      JsonObject write = new JsonObject().put("ops", new JsonArray().add(StoreOp.create(Kind.SERVICES, service("sneaky").put("ID", sneaky))));
      refused(client.request(Addresses.STORE_TX, write));
      refused(client.request(Addresses.SECRETS_ISSUE_NODE_CERT, new JsonObject().put("nodeId", "x").put("role", "manager")));
      refused(client.request(Addresses.SECRETS_RELEASE, new JsonObject().put("kind", "secrets")));
      refused(client.request(Addresses.STORE_SNAPSHOT, new JsonObject().put("kinds", new JsonArray().add("services"))));
      for (String kind : List.of("secrets", "configs", "cluster", "pki")) {
        refused(client.request(Addresses.STORE_LIST, new JsonObject().put("kind", kind)));
      }
      refused(client.request(Addresses.STORE_GET, new JsonObject().put("kind", "cluster").put("id", "any")));
      refused(client.request(Addresses.STORE_LIST, "services"));
      client.send(new JsonObject().put("type", "send").put("body", new JsonObject().put("kind", "services")).put("replyAddress", "r"));
      refused(client.next());
      client.send(new JsonObject().put("type", "publish").put("address", BridgeAddresses.CHANGES).put("body", new JsonObject()));
      refused(client.next());
      for (String address : List.of(Addresses.STORE_CHANGES, Addresses.CONTROL_PLANE_TRUST, Addresses.STORE_TX)) {
        client.send(new JsonObject().put("type", "register").put("address", address));
        refused(client.next());
      }
      client.ping();
      assertThat(client.waiting()).as("nothing but the refusals came back").isZero();
      assertThat(store.list(Kind.SERVICES).await(10, TimeUnit.SECONDS)).extracting(s -> s.getString("ID")).doesNotContain(sneaky);
    }
  }

  @Test
  void overTlsServesTheSwarmsManagerCertificatesOnly() throws Exception {
    NodeTls user = pki.issue(certs.resolve("user"), NodeTls.CLIENT_PREFIX + "bridgeuser", NodeTls.MANAGER_OU);
    try (RawBridgeClient client = RawBridgeClient.connect(vertx, tlsClient(Optional.of(user)), tlsPort)) {
      JsonObject reply = client.request(Addresses.STORE_LIST, new JsonObject().put("kind", "nodes"));
      assertThat(reply.getJsonObject("body").getJsonArray("items")).hasSize(3);
    }

    NodeTls worker = pki.issue(certs.resolve("worker"), GatewayFixture.WORKER, NodeTls.WORKER_OU);
    try (RawBridgeClient client = RawBridgeClient.connect(vertx, tlsClient(Optional.of(worker)), tlsPort)) {
      refused(client.request(Addresses.STORE_LIST, new JsonObject().put("kind", "nodes")));
    }

    // No client certificate: the handshake fails, or the server ends the connection as soon as it has seen none.
    Optional<RawBridgeClient> anonymous = RawBridgeClient.tryConnect(vertx, tlsClient(Optional.empty()), tlsPort);
    if (anonymous.isPresent()) {
      try (RawBridgeClient client = anonymous.get()) {
        client.send(new JsonObject().put("type", "ping"));
        assertThat(client.closedWithin(Duration.ofSeconds(5))).isTrue();
        assertThat(client.waiting()).isZero();
      }
    }

    // The plaintext client gets nothing from the TLS port either.
    Optional<RawBridgeClient> plaintext = RawBridgeClient.tryConnect(vertx, new NetClientOptions(), tlsPort);
    assertThat(plaintext).isPresent();
    try (RawBridgeClient client = plaintext.get()) {
      client.send(new JsonObject().put("type", "ping"));
      assertThat(client.closedWithin(Duration.ofSeconds(5))).isTrue();
      assertThat(client.waiting()).isZero();
    }
  }

  private NetClientOptions tlsClient(Optional<NodeTls> identity) {
    NetClientOptions options = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
        .setTrustOptions(new PemTrustOptions().addCertPath(certs.resolve("gateway").resolve(NodeTls.DIR).resolve(NodeTls.ROOT_CA).toString()));
    identity.ifPresent(t -> options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(t.certPath()).setKeyPath(t.keyPath())));
    return options;
  }

  private static void refused(JsonObject frame) {
    assertThat(frame.getString("type")).as("%s", frame).isEqualTo("err");
    assertThat(frame.getString("message")).isIn(DENIED, "access_denied");
    assertThat(frame.containsKey("body")).isFalse();
  }

  private String create(Kind kind, JsonObject object) throws Exception {
    String id = object.getString("ID", Ids.newId());
    store.tx(StoreOp.create(kind, object.put("ID", id))).await(10, TimeUnit.SECONDS);
    return id;
  }

  private static JsonObject service(String name) {
    return new JsonObject().put("Spec", new JsonObject().put("Name", name));
  }

  /** A secret or config as the secrets service stores it: its data only as {@code Sealed} ciphertext. */
  private static JsonObject sealed(String name) {
    return new JsonObject().put("Spec", new JsonObject().put("Name", name))
        .put("Sealed", new JsonObject().put("Key", new JsonObject().put("Nonce", "bm9uY2U=").put("Ciphertext", "a2V5"))
            .put("Data", new JsonObject().put("Nonce", "bm9uY2U=").put("Ciphertext", "ZGF0YQ==")));
  }

  private static List<String> names(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getJsonObject("Spec").getString("Name")).toList();
  }
}
