package io.enxame.store;

import io.enxame.shared.model.SwarmDefaults;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code swarm init} for a fresh store: the cluster object with Swarm's defaults and this node as
 * its first manager, in one transaction. A store that already holds a cluster is left as it is.
 */
final class SwarmBootstrap {
  private final StoreClient store;
  private final StoreConfig cfg;

  SwarmBootstrap(StoreClient store, StoreConfig cfg) {
    this.store = store;
    this.cfg = cfg;
  }

  Future<Void> run() {
    return store.list(Kind.CLUSTER).compose(clusters -> clusters.isEmpty()
        ? store.tx(StoreOp.create(Kind.CLUSTER, cluster()), StoreOp.create(Kind.NODES, managerNode(true))).mapEmpty()
        : Future.succeededFuture());
  }

  /**
   * A manager that joined an existing group adds its node object, or its {@code ManagerStatus} to the one the CA made
   * when it joined: agents learn from it where this manager's dispatcher listens. A restart finds it there.
   */
  Future<Void> registerManager() {
    JsonObject status = managerNode(false).getJsonObject("ManagerStatus");
    return store.get(Kind.NODES, cfg.nodeId()).<Void>compose(node -> status.getString("Addr").equals(Json.string(node, "ManagerStatus.Addr"))
            ? Future.succeededFuture()
            : store.tx(StoreOp.merge(Kind.NODES, cfg.nodeId(), new JsonObject().put("ManagerStatus", status))).mapEmpty())
        .recover(e -> Failures.statusOf(e) == Failures.NOT_FOUND
            ? store.tx(StoreOp.create(Kind.NODES, managerNode(false))).mapEmpty() : Future.failedFuture(e));
  }

  static JsonObject defaultSpec() {
    return new JsonObject()
        .put("Name", "default")
        .put("Labels", new JsonObject())
        .put("Orchestration", new JsonObject().put("TaskHistoryRetentionLimit", 5))
        .put("Raft", new JsonObject().put("SnapshotInterval", 10000).put("KeepOldSnapshots", 0)
            .put("LogEntriesForSlowFollowers", 500).put("ElectionTick", 10).put("HeartbeatTick", 1))
        .put("Dispatcher", new JsonObject().put("HeartbeatPeriod", SwarmDefaults.HEARTBEAT_MILLIS * 1_000_000L))
        .put("CAConfig", new JsonObject().put("NodeCertExpiry", 7_776_000_000_000_000L))
        .put("TaskDefaults", new JsonObject())
        .put("EncryptionConfig", new JsonObject().put("AutoLockManagers", false));
  }

  private JsonObject cluster() {
    return new JsonObject()
        .put("ID", Ids.newId())
        .put("Spec", defaultSpec())
        // The PKI (root CA, join tokens) arrives with the secrets service; until then these stay empty.
        .put("TLSInfo", new JsonObject().put("TrustRoot", "").put("CertIssuerSubject", "").put("CertIssuerPublicKey", ""))
        .put("RootRotationInProgress", false)
        .put("DefaultAddrPool", new JsonArray().add("10.0.0.0/8"))
        .put("SubnetSize", 24)
        .put("DataPathPort", 4789)
        .put("JoinTokens", new JsonObject().put("Worker", "").put("Manager", ""));
  }

  private JsonObject managerNode(boolean leader) {
    return new JsonObject()
        .put("ID", cfg.nodeId())
        .put("Spec", new JsonObject().put("Labels", new JsonObject()).put("Role", "manager").put("Availability", "active"))
        .put("Description", new JsonObject().put("Hostname", cfg.hostname())
            .put("Platform", new JsonObject()).put("Resources", new JsonObject()).put("Engine", new JsonObject()))
        .put("Status", new JsonObject().put("State", "unknown").put("Addr", cfg.advertiseAddr()))
        .put("ManagerStatus", new JsonObject().put("Leader", leader).put("Reachability", "reachable")
            .put("Addr", cfg.advertiseAddr() + ":" + cfg.dispatcherPort()));
  }
}
