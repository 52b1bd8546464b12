package io.enxame.secrets.pki;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.crypto.SealException;
import io.enxame.shared.crypto.SealedBox;
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

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
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
 * The new root is made here ({@code --rotate} alone) or given by the user ({@code --ca-cert}/{@code --ca-key}: the
 * certificate in the request, the key sealed to the transit key; checked by {@link GivenRoot}). A rotation started
 * while one is under way replaces it (a new root cross-signed by the same current root), as in swarmkit. Nodes that are down hold the rotation up until they come back or are removed, as in swarmkit.
 */
public final class RootRotation {
  private static final Logger LOG = LoggerFactory.getLogger(RootRotation.class);
  static final long RECONCILE_MILLIS = 1000;

  private final Vertx vertx;
  private final StoreClient store;
  private final CaKeeper keeper;
  private final SealedBox.KeyPair transit;
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;
  private boolean reconciling;

  private record Started(RootCa next, String crossSigned, JsonObject sealedKey) {}

  /** {@code transit}: the vault's transit key pair, which a given root's key is sealed to on the bus. */
  public RootRotation(Vertx vertx, StoreClient store, CaKeeper keeper, SealedBox.KeyPair transit) {
    this.vertx = vertx;
    this.store = store;
    this.keeper = keeper;
    this.transit = transit;
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
    String signingCert = request.getString("signingCert");
    JsonObject signingKey = request.getJsonObject("signingKey");
    if (signingCert == null) {
      return keeper.ca().compose(loaded -> vertx.executeBlocking(() -> RootCa.generate(Instant.now()))
          .compose(next -> rotate(loaded, next, cluster, version)));
    }
    if (signingKey == null) return Future.failedFuture(Failures.badRequest("signingKey is required with signingCert"));
    return keeper.ca().compose(loaded -> vertx.executeBlocking(() -> given(loaded.clusterId(), signingCert, signingKey))
        .compose(given -> toGiven(loaded, given, cluster, version)));
  }

  /** Blocking: the user's root, its key opened from the transit box and checked ({@link GivenRoot}). */
  private RootCa given(String clusterId, String certPem, JsonObject sealedKey) {
    byte[] key;
    try {
      key = transit.open(sealedKey, Kind.PKI.wire() + "/" + clusterId);
    } catch (SealException e) {
      throw Failures.badRequest("the signing key was not sealed to this secrets service's transit key: " + e.getMessage());
    }
    try {
      return GivenRoot.check(certPem, new String(key, StandardCharsets.UTF_8), Instant.now());
    } catch (IllegalArgumentException e) {
      throw Failures.invalidArgument(e.getMessage());
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * As swarmkit's {@code validateCAConfig} once the root is valid: the current root again ends any rotation under way;
   * the root being rotated to already lets that rotation go on; another certificate of the current root's key is
   * refused; any other root starts a rotation to it.
   */
  private Future<JsonObject> toGiven(CaKeeper.Loaded loaded, RootCa given, JsonObject cluster, long version) {
    boolean rotating = loaded.rotating();
    if (same(given.certificate(), loaded.root().certificate())) return rotating ? abort(loaded, cluster, version) : write(cluster, version);
    if (loaded.root().certificate().getPublicKey().equals(given.certificate().getPublicKey())) {
      return Future.failedFuture(Failures.invalidArgument("Cannot update to a cert with an identical key"));
    }
    if (rotating && same(given.certificate(), loaded.signer().certificate())) return write(cluster, version);
    return rotate(loaded, given, cluster, version);
  }

  private static boolean same(X509Certificate a, X509Certificate b) {
    try {
      return Arrays.equals(a.getEncoded(), b.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      return false;
    }
  }

  private Future<JsonObject> write(JsonObject cluster, long version) {
    return store.tx(StoreOp.update(Kind.CLUSTER, cluster, version)).map(tx -> new JsonObject());
  }

  /** Back to the current root alone: the dispatchers' next {@code Trust} names it, and nodes renew under it. */
  private Future<JsonObject> abort(CaKeeper.Loaded loaded, JsonObject cluster, long version) {
    JsonObject back = cluster.copy().put("RootRotationInProgress", false);
    back.remove(SwarmTrust.ROTATION);
    return store.get(Kind.PKI, loaded.clusterId()).compose(pki -> {
      JsonObject root = pki.copy();
      root.remove("Rotation");
      return store.tx(StoreOp.update(Kind.CLUSTER, back, version), StoreOp.update(Kind.PKI, root, Json.version(pki)));
    }).map(tx -> {
      LOG.info("root CA rotation aborted: the swarm keeps its current root");
      return new JsonObject();
    });
  }

  /** Starts a rotation to {@code next}: cross-signed by the current root, its key sealed, written with the cluster. */
  private Future<JsonObject> rotate(CaKeeper.Loaded loaded, RootCa next, JsonObject cluster, long version) {
    return vertx.executeBlocking(() -> new Started(next, Pem.encode(loaded.root().crossSign(next)), keeper.seal(loaded.clusterId(), next)))
        .compose(started -> {
          JsonObject rotating = cluster.copy().put("RootRotationInProgress", true)
              .put(SwarmTrust.ROTATION, CaKeeper.tlsInfo(next).put("CACert", next.certPem()));
          rotating.getJsonObject(SwarmTrust.ROTATION).remove("TrustRoot");
          JsonObject rotation = new JsonObject().put("Cert", next.certPem()).put("Key", started.sealedKey())
              .put("CrossSigned", started.crossSigned());
          return store.tx(StoreOp.update(Kind.CLUSTER, rotating, version),
              StoreOp.merge(Kind.PKI, loaded.clusterId(), new JsonObject().put("Rotation", rotation)));
        }).map(tx -> {
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
