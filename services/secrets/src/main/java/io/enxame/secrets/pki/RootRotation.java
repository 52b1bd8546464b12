package io.enxame.secrets.pki;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.tls.SwarmTrust;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * {@code docker swarm ca --rotate}, as swarmkit's {@code ca_rotation.go} and {@code ca/reconciler.go}: moves the swarm
 * to a new root without cutting any node off.
 * <ol>
 *   <li>{@link Addresses#SECRETS_ROTATE_ROOT}: a new root (same subject, new key) and its certificate cross-signed by
 *       the current root; the {@code pki} object gets {@code Rotation} (new key sealed), the cluster
 *       {@code RootRotationInProgress: true} and {@link SwarmTrust#ROTATION}, in one transaction. From then on
 *       certificates are signed by the new key and chain to the old root through the cross-signed one, and the CA file
 *       handed out holds both roots; every dispatcher tells its nodes to renew ({@code Trust}).</li>
 *   <li>Reconciling (every second, on every secrets instance; the store's versions pick one winner): once every node in
 *       the store reports ({@code Description.TLSInfo}) a certificate from the new key, the new root replaces the old
 *       one: {@code TLSInfo}, new join tokens (the digest part changes, so tokens minted before are refused), and the
 *       {@code pki} object holds the new root alone. Dispatchers then tell their nodes to drop the old root.</li>
 * </ol>
 * A rotation started while one is under way replaces it (a new root cross-signed by the same current root), as in
 * swarmkit. Nodes that are down hold the rotation up until they come back or are removed, as in swarmkit.
 */
public final class RootRotation {
  private static final Logger LOG = LoggerFactory.getLogger(RootRotation.class);
  static final long RECONCILE_MILLIS = 1000;

  private final Vertx vertx;
  private final StoreClient store;
  private final CaKeeper keeper;
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;
  private boolean reconciling;

  private record Started(RootCa next, String crossSigned, JsonObject sealedKey) {}

  public RootRotation(Vertx vertx, StoreClient store, CaKeeper keeper) {
    this.vertx = vertx;
    this.store = store;
    this.keeper = keeper;
  }

  public void register() {
    consumer = vertx.eventBus().consumer(Addresses.SECRETS_ROTATE_ROOT,
        msg -> start(msg.body()).onSuccess(msg::reply).onFailure(e -> msg.fail(Failures.statusOf(e), e.getMessage())));
    timer = vertx.setPeriodic(RECONCILE_MILLIS, t -> reconcile());
  }

  public void unregister() {
    if (consumer != null) consumer.unregister();
    vertx.cancelTimer(timer);
  }

  Future<JsonObject> start(JsonObject request) {
    JsonObject cluster = request.getJsonObject("cluster");
    Long version = request.getLong("version");
    if (cluster == null || version == null) return Future.failedFuture(Failures.badRequest("a cluster and its version are required"));
    return keeper.ca().compose(loaded -> vertx.executeBlocking(() -> {
      RootCa next = RootCa.generate(Instant.now());
      return new Started(next, Pem.encode(loaded.root().crossSign(next)), keeper.seal(loaded.clusterId(), next));
    }).compose(started -> {
      RootCa next = started.next();
      JsonObject rotating = cluster.copy().put("RootRotationInProgress", true)
          .put(SwarmTrust.ROTATION, CaKeeper.tlsInfo(next).put("CACert", next.certPem()));
      rotating.getJsonObject(SwarmTrust.ROTATION).remove("TrustRoot");
      JsonObject rotation = new JsonObject().put("Cert", next.certPem()).put("Key", started.sealedKey())
          .put("CrossSigned", started.crossSigned());
      return store.tx(StoreOp.update(Kind.CLUSTER, rotating, version),
          StoreOp.merge(Kind.PKI, loaded.clusterId(), new JsonObject().put("Rotation", rotation)));
    })).map(tx -> {
      LOG.info("root CA rotation started");
      return new JsonObject();
    });
  }

  /** Finishes the rotation once every node's certificate comes from the new key. */
  private void reconcile() {
    if (reconciling) return;
    reconciling = true;
    store.list(Kind.CLUSTER).compose(clusters -> {
      JsonObject cluster = clusters.isEmpty() ? null : clusters.get(0);
      if (cluster == null || cluster.getJsonObject(SwarmTrust.ROTATION) == null) return Future.succeededFuture();
      SwarmTrust wanted = SwarmTrust.of(cluster).orElseThrow();
      return store.list(Kind.NODES).compose(nodes -> converged(wanted, nodes) ? finish(cluster) : Future.succeededFuture());
    }).onComplete(ar -> {
      reconciling = false;
      if (ar.failed()) LOG.warn("root CA rotation not finished yet: {}", ar.cause().getMessage());
    });
  }

  static boolean converged(SwarmTrust wanted, List<JsonObject> nodes) {
    return nodes.stream().allMatch(n -> wanted.issued(Json.objectOrEmpty(n, "Description.TLSInfo")));
  }

  private Future<Void> finish(JsonObject cluster) {
    String clusterId = cluster.getString("ID");
    return store.get(Kind.PKI, clusterId).compose(pki -> {
      JsonObject rotation = pki.getJsonObject("Rotation");
      JsonObject wanted = cluster.getJsonObject(SwarmTrust.ROTATION);
      // Another rotation started since the cluster was read: the next round looks again.
      if (rotation == null || !rotation.getString("Cert").equals(wanted.getString("CACert"))) return Future.succeededFuture();
      String root = rotation.getString("Cert");
      JsonObject done = cluster.copy().put("RootRotationInProgress", false)
          .put("TLSInfo", new JsonObject().put("TrustRoot", root).put("CertIssuerSubject", wanted.getString("CertIssuerSubject"))
              .put("CertIssuerPublicKey", wanted.getString("CertIssuerPublicKey")))
          .put("JoinTokens", CaKeeper.joinTokens(root));
      done.remove(SwarmTrust.ROTATION);
      JsonObject newPki = new JsonObject().put("ID", clusterId).put("Cert", root).put("Key", rotation.getJsonObject("Key"));
      return store.tx(StoreOp.update(Kind.CLUSTER, done, Json.version(cluster)), StoreOp.update(Kind.PKI, newPki, Json.version(pki)))
          .<Void>mapEmpty().onSuccess(v -> LOG.info("root CA rotation completed: every node holds a certificate from the new root"));
    });
  }
}
