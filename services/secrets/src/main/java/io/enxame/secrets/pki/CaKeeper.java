package io.enxame.secrets.pki;

import io.enxame.secrets.vault.Envelope;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.crypto.Released;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.tls.JoinToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The swarm's root CA, made once per swarm by whichever secrets instance first finds the cluster without one.
 * It is stored as the {@code pki} object whose ID is the cluster's: {@code {"ID", "Cert": PEM, "Key": sealed}}, the
 * key (PKCS#8) sealed by the vault's {@link Envelope} under the secrets key and bound to {@code pki/<cluster ID>};
 * the same transaction writes the cluster's {@code TLSInfo} and its first {@code JoinTokens}, demanding the cluster
 * version it read, so two instances racing make one CA. The opened key lives in this process's memory only.
 *
 * <p>During a root rotation ({@link RootRotation}) the object also holds {@code "Rotation": {"Cert", "Key" (sealed the
 * same way), "CrossSigned"}}: certificates are then signed by the new key and carry the cross-signed certificate, and
 * the CA file handed out holds both roots. The opened CA is kept per version of the {@code pki} object, so every
 * secrets instance follows a rotation another one started or finished.
 */
public final class CaKeeper {
  private final Vertx vertx;
  private final StoreClient store;
  private final Envelope envelope;
  private Future<Loaded> loaded;
  private long loadedVersion = -1;

  /**
   * The CA as it signs now. {@code root}: the current root (what a rotation cross-signs with); {@code signer}: the key
   * and certificate that sign (the root, or the new root during a rotation); {@code chain}: PEM appended to every
   * certificate issued (the cross-signed certificate, or nothing); {@code trust}: the CA file nodes must hold.
   */
  public record Loaded(String clusterId, RootCa root, RootCa signer, String chain, String trust) {
    /** A certificate this CA issued, as the node keeps it: the certificate, then the chain. */
    public String withChain(X509Certificate issued) { return Pem.encode(issued) + chain; }

    /** Whether a rotation is under way (the signer is the new root, not the root). */
    public boolean rotating() { return signer != root; }
  }

  private record Made(RootCa ca, JsonObject sealedKey) {}

  public CaKeeper(Vertx vertx, StoreClient store, Envelope envelope) {
    this.vertx = vertx;
    this.store = store;
    this.envelope = envelope;
  }

  /** The CA as stored now, loading or creating it; a failure (no swarm yet) is retried by the next call. */
  public Future<Loaded> ca() {
    return loadOrCreate(true);
  }

  private Future<Loaded> loadOrCreate(boolean mayRetry) {
    return store.list(Kind.CLUSTER).compose(clusters -> {
      if (clusters.isEmpty()) return Future.failedFuture(Failures.unavailable("the swarm is not initialised yet"));
      JsonObject cluster = clusters.get(0);
      String trustRoot = Json.string(cluster, "TLSInfo.TrustRoot");
      Future<Loaded> result = trustRoot == null || trustRoot.isEmpty() ? create(cluster)
          : store.get(Kind.PKI, cluster.getString("ID")).compose(this::opened);
      return mayRetry ? result.recover(e -> Failures.statusOf(e) == Failures.CONFLICT ? loadOrCreate(false) : Future.failedFuture(e)) : result;
    });
  }

  /** The CA of this version of the {@code pki} object, opened once per version. */
  private synchronized Future<Loaded> opened(JsonObject pki) {
    long version = Json.version(pki);
    if (loaded == null || loaded.failed() || loadedVersion != version) {
      loadedVersion = version;
      loaded = vertx.executeBlocking(() -> open(pki));
    }
    return loaded;
  }

  private Loaded open(JsonObject pki) {
    String clusterId = pki.getString("ID");
    RootCa root = open(clusterId, pki.getString("Cert"), pki.getJsonObject("Key"));
    JsonObject rotation = pki.getJsonObject("Rotation");
    if (rotation == null) return new Loaded(clusterId, root, root, "", root.certPem());
    RootCa next = open(clusterId, rotation.getString("Cert"), rotation.getJsonObject("Key"));
    return new Loaded(clusterId, root, next, rotation.getString("CrossSigned"), root.certPem() + next.certPem());
  }

  /** Blocking: a root whose key is sealed in the {@code pki} object. */
  RootCa open(String clusterId, String certPem, JsonObject sealedKey) {
    // The vault releases a data key only sealed to a recipient: this process is its own recipient.
    SealedBox.KeyPair self = SealedBox.generate();
    JsonObject released = envelope.release(Kind.PKI.wire(), clusterId, sealedKey, self.publicKey());
    byte[] key = Released.open(self, Kind.PKI.wire(), clusterId, released);
    try {
      return RootCa.of(certPem, key);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }

  /** Blocking: a root's key sealed for the {@code pki} object, bound to {@code pki/<cluster ID>}. */
  JsonObject seal(String clusterId, RootCa ca) {
    byte[] key = ca.keyPkcs8();
    try {
      return envelope.seal(Kind.PKI.wire(), clusterId, key);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }

  /** Docker's {@code TLSInfo} of a root: its PEM, subject and public key. */
  static JsonObject tlsInfo(RootCa ca) {
    return new JsonObject().put("TrustRoot", ca.certPem()).put("CertIssuerSubject", ca.issuerSubject())
        .put("CertIssuerPublicKey", ca.issuerPublicKey());
  }

  /** Swarm's two join tokens for a root, each with a new secret. */
  static JsonObject joinTokens(String rootPem) {
    return new JsonObject().put("Worker", JoinToken.generate(rootPem)).put("Manager", JoinToken.generate(rootPem));
  }

  private Future<Loaded> create(JsonObject cluster) {
    String clusterId = cluster.getString("ID");
    return vertx.executeBlocking(() -> {
      RootCa ca = RootCa.generate(Instant.now());
      return new Made(ca, seal(clusterId, ca));
    }).compose(made -> {
      RootCa ca = made.ca();
      JsonObject pki = new JsonObject().put("ID", clusterId).put("Cert", ca.certPem()).put("Key", made.sealedKey());
      JsonObject clusterFields = new JsonObject().put("TLSInfo", tlsInfo(ca)).put("JoinTokens", joinTokens(ca.certPem()));
      return store.tx(StoreOp.create(Kind.PKI, pki),
              StoreOp.merge(Kind.CLUSTER, clusterId, clusterFields).put("version", Json.version(cluster)))
          .map(tx -> new Loaded(clusterId, ca, ca, "", ca.certPem()));
    });
  }
}
