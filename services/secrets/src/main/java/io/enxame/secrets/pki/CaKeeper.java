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

import java.time.Instant;

/**
 * The swarm's root CA, made once per swarm by whichever secrets instance first finds the cluster without one.
 * It is stored as the {@code pki} object whose ID is the cluster's: {@code {"ID", "Cert": PEM, "Key": sealed}}, the
 * key (PKCS#8) sealed by the vault's {@link Envelope} under the secrets key and bound to {@code pki/<cluster ID>};
 * the same transaction writes the cluster's {@code TLSInfo} and its first {@code JoinTokens}, demanding the cluster
 * version it read, so two instances racing make one CA. The opened key lives in this process's memory only.
 */
public final class CaKeeper {
  private final Vertx vertx;
  private final StoreClient store;
  private final Envelope envelope;
  private Future<Loaded> loaded;

  /** The root CA and the cluster it belongs to. */
  public record Loaded(String clusterId, RootCa ca) {}

  private record Made(RootCa ca, JsonObject sealedKey) {}

  public CaKeeper(Vertx vertx, StoreClient store, Envelope envelope) {
    this.vertx = vertx;
    this.store = store;
    this.envelope = envelope;
  }

  /** The CA, loading or creating it on first use; a failure (no swarm yet) is retried by the next call. */
  public synchronized Future<Loaded> ca() {
    if (loaded == null || loaded.failed()) loaded = loadOrCreate(true);
    return loaded;
  }

  private Future<Loaded> loadOrCreate(boolean mayRetry) {
    return store.list(Kind.CLUSTER).compose(clusters -> {
      if (clusters.isEmpty()) return Future.failedFuture(Failures.unavailable("the swarm is not initialised yet"));
      JsonObject cluster = clusters.get(0);
      String trustRoot = Json.string(cluster, "TLSInfo.TrustRoot");
      Future<Loaded> result = trustRoot == null || trustRoot.isEmpty() ? create(cluster) : load(cluster.getString("ID"));
      return mayRetry ? result.recover(e -> Failures.statusOf(e) == Failures.CONFLICT ? loadOrCreate(false) : Future.failedFuture(e)) : result;
    });
  }

  private Future<Loaded> load(String clusterId) {
    return store.get(Kind.PKI, clusterId).compose(pki -> vertx.executeBlocking(() -> {
      // The vault releases a data key only sealed to a recipient: this process is its own recipient.
      SealedBox.KeyPair self = SealedBox.generate();
      JsonObject released = envelope.release(Kind.PKI.wire(), clusterId, pki.getJsonObject("Key"), self.publicKey());
      byte[] key = Released.open(self, Kind.PKI.wire(), clusterId, released);
      try {
        return new Loaded(clusterId, RootCa.of(pki.getString("Cert"), key));
      } finally {
        java.util.Arrays.fill(key, (byte) 0);
      }
    }));
  }

  private Future<Loaded> create(JsonObject cluster) {
    String clusterId = cluster.getString("ID");
    return vertx.executeBlocking(() -> {
      RootCa ca = RootCa.generate(Instant.now());
      byte[] key = ca.keyPkcs8();
      try {
        return new Made(ca, envelope.seal(Kind.PKI.wire(), clusterId, key));
      } finally {
        java.util.Arrays.fill(key, (byte) 0);
      }
    }).compose(made -> {
      RootCa ca = made.ca();
      JsonObject pki = new JsonObject().put("ID", clusterId).put("Cert", ca.certPem()).put("Key", made.sealedKey());
      JsonObject tls = new JsonObject().put("TrustRoot", ca.certPem())
          .put("CertIssuerSubject", ca.issuerSubject()).put("CertIssuerPublicKey", ca.issuerPublicKey());
      JsonObject tokens = new JsonObject().put("Worker", JoinToken.generate(ca.certPem())).put("Manager", JoinToken.generate(ca.certPem()));
      JsonObject clusterFields = new JsonObject().put("TLSInfo", tls).put("JoinTokens", tokens);
      return store.tx(StoreOp.create(Kind.PKI, pki),
              StoreOp.merge(Kind.CLUSTER, clusterId, clusterFields).put("version", Json.version(cluster)))
          .map(tx -> new Loaded(clusterId, ca));
    });
  }
}
