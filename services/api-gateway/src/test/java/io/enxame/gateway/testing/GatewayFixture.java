package io.enxame.gateway.testing;

import io.enxame.gateway.GatewayVerticle;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.tls.JoinToken;
import io.enxame.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A gateway on a free port over a real (single-member Ratis) store seeded with a swarm: one manager (this node), a ready and a down worker. */
public final class GatewayFixture {
  public static final String SELF = "selfnode0000000000000000a";
  public static final String WORKER = "workernode000000000000000";
  public static final String GONE = "gonenode00000000000000000";
  private static final String FIXTURE_CA = "-----BEGIN CERTIFICATE-----\nfixture\n-----END CERTIFICATE-----\n";

  private GatewayFixture() {}

  /** Deploys a real single-member store and the gateway, seeds the store; completes with the gateway's port. */
  public static Future<Integer> start(Vertx vertx) { return startWithStore(vertx).map(Running::port); }

  /** The gateway's port and the store's deployment, for tests that restart the store on its data dir. */
  public record Running(int port, String storeDeployment, JsonObject storeConfig, GatewayVerticle gateway) {
    public Future<String> restartStore(Vertx vertx) {
      return vertx.undeploy(storeDeployment)
          .compose(v -> vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(storeConfig)));
    }
  }

  public static Future<Running> startWithStore(Vertx vertx) { return startWithStore(vertx, new JsonObject()); }

  /** @param gatewayConfig added to the gateway's config (e.g. {@code bridgePort}) */
  public static Future<Running> startWithStore(Vertx vertx, JsonObject gatewayConfig) {
    StoreClient store = new StoreClient(vertx.eventBus());
    GatewayVerticle gateway = new GatewayVerticle();
    JsonObject config = new JsonObject().put("host", "127.0.0.1").put("port", 0).put("nodeId", SELF).mergeIn(gatewayConfig);
    JsonObject storeConfig;
    try {
      storeConfig = new JsonObject().put("nodeId", "store1").put("initSwarm", false).put("raftPort", Ports.free())
          .put("dataDir", Files.createTempDirectory(Path.of("target"), "store").toString());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(storeConfig))
        .compose(storeId -> store.tx(StoreOp.create(Kind.CLUSTER, cluster()),
                StoreOp.create(Kind.NODES, node(SELF, "manager-1", "manager", "ready")),
                StoreOp.create(Kind.NODES, node(WORKER, "worker-1", "worker", "ready")),
                StoreOp.create(Kind.NODES, node(GONE, "worker-2", "worker", "down")))
            .compose(tx -> vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)))
            .map(id -> new Running(gateway.actualPort(), storeId, storeConfig, gateway)));
  }

  public static JsonObject cluster() {
    return new JsonObject().put("ID", Ids.newId())
        .put("Spec", new JsonObject().put("Name", "default").put("Labels", new JsonObject())
            .put("Orchestration", new JsonObject().put("TaskHistoryRetentionLimit", 5))
            .put("Raft", new JsonObject().put("SnapshotInterval", 10000).put("KeepOldSnapshots", 0)
                .put("LogEntriesForSlowFollowers", 500).put("ElectionTick", 10).put("HeartbeatTick", 1))
            .put("Dispatcher", new JsonObject().put("HeartbeatPeriod", 5_000_000_000L))
            .put("CAConfig", new JsonObject().put("NodeCertExpiry", 7_776_000_000_000_000L))
            .put("TaskDefaults", new JsonObject()).put("EncryptionConfig", new JsonObject().put("AutoLockManagers", false)))
        .put("TLSInfo", new JsonObject().put("TrustRoot", "").put("CertIssuerSubject", "").put("CertIssuerPublicKey", ""))
        .put("RootRotationInProgress", false).put("DefaultAddrPool", new JsonArray().add("10.0.0.0/8"))
        .put("SubnetSize", 24).put("DataPathPort", 4789)
        .put("JoinTokens", new JsonObject().put("Worker", JoinToken.generate(FIXTURE_CA)).put("Manager", JoinToken.generate(FIXTURE_CA)));
  }

  public static JsonObject node(String id, String hostname, String role, String state) {
    JsonObject node = new JsonObject().put("ID", id)
        .put("Spec", new JsonObject().put("Labels", new JsonObject()).put("Role", role).put("Availability", "active"))
        .put("Description", new JsonObject().put("Hostname", hostname)
            .put("Platform", new JsonObject().put("Architecture", "x86_64").put("OS", "linux"))
            .put("Resources", new JsonObject().put("NanoCPUs", 2_000_000_000L).put("MemoryBytes", 2147483648L))
            .put("Engine", new JsonObject().put("EngineVersion", "28.5.2")))
        .put("Status", new JsonObject().put("State", state).put("Addr", "127.0.0.1"));
    if ("manager".equals(role)) {
      node.put("ManagerStatus", new JsonObject().put("Leader", true).put("Reachability", "reachable").put("Addr", "127.0.0.1:2377"));
    }
    return node;
  }
}
