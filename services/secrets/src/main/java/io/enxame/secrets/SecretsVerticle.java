package io.enxame.secrets;

import io.enxame.secrets.pki.CaKeeper;
import io.enxame.secrets.pki.NodeCertificates;
import io.enxame.secrets.pki.RootRotation;
import io.enxame.secrets.vault.Envelope;
import io.enxame.secrets.vault.VaultApi;
import io.enxame.secrets.vault.VaultKey;
import io.enxame.shared.crypto.Aead;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.nio.file.Path;

/**
 * secrets: the swarm's key management. Today the vault (envelope encryption of secrets and configs,
 * {@code io.enxame.secrets.vault}) and the PKI (root CA, join tokens, node certificates: {@code io.enxame.secrets.pki}). Config: {@code {"dataDir": "...", "key": b64}}: the directory
 * holding the cluster's secrets key, and on a manager that joins, the cluster's key (from
 * {@link io.enxame.shared.bus.Addresses#SECRETS_KEY_OFFER}), kept there when the directory has none.
 */
public final class SecretsVerticle extends VerticleBase {
  private VaultApi vault;
  private NodeCertificates nodeCertificates;
  private RootRotation rootRotation;
  // The transit key lives in memory only: a restarted service has a new one, which callers fetch again.
  private final SealedBox.KeyPair transit = SealedBox.generate();

  @Override
  public Future<?> start() {
    String dataDir = config().getString("dataDir");
    if (dataDir == null || dataDir.isBlank()) return Future.failedFuture(new IllegalArgumentException("secrets config: dataDir is required"));
    String joined = config().getString("key");
    return vertx.executeBlocking(() -> joined == null ? VaultKey.loadOrCreate(Path.of(dataDir))
        : VaultKey.loadOrKeep(Path.of(dataDir), Aead.unb64(joined))).map(key -> {
      vault = new VaultApi(vertx, new StoreClient(vertx.eventBus()), new Envelope(key), transit);
      vault.register();
      return new Envelope(key);
    }).compose(this::startPki);
  }

  /** The PKI ({@code io.enxame.secrets.pki}): the root CA is made or loaded now when the swarm exists, else on first use. */
  private Future<?> startPki(Envelope envelope) {
    StoreClient store = new StoreClient(vertx.eventBus());
    CaKeeper keeper = new CaKeeper(vertx, store, envelope);
    nodeCertificates = new NodeCertificates(vertx, store, keeper);
    nodeCertificates.register();
    rootRotation = new RootRotation(vertx, store, keeper, transit);
    rootRotation.register();
    // Deployed before the store has a swarm (a clustered start), it keeps trying so that the tokens appear.
    return keeper.ca().<Object>mapEmpty().recover(e -> {
      vertx.setPeriodic(1000, timer -> keeper.ca().onSuccess(ca -> vertx.cancelTimer(timer)));
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    if (vault != null) vault.unregister();
    if (nodeCertificates != null) nodeCertificates.unregister();
    if (rootRotation != null) rootRotation.unregister();
    return Future.succeededFuture();
  }
}
