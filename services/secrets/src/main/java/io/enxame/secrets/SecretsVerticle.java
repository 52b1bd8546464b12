package io.enxame.secrets;

import io.enxame.secrets.vault.Envelope;
import io.enxame.secrets.vault.VaultApi;
import io.enxame.secrets.vault.VaultKey;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.nio.file.Path;

/**
 * secrets: the swarm's key management. Today the vault (envelope encryption of secrets and configs,
 * {@code io.enxame.secrets.vault}); the PKI joins it later. Config: {@code {"dataDir": "..."}}, the directory
 * holding the cluster's secrets key.
 */
public final class SecretsVerticle extends VerticleBase {
  private VaultApi vault;

  @Override
  public Future<?> start() {
    String dataDir = config().getString("dataDir");
    if (dataDir == null || dataDir.isBlank()) return Future.failedFuture(new IllegalArgumentException("secrets config: dataDir is required"));
    return vertx.executeBlocking(() -> VaultKey.loadOrCreate(Path.of(dataDir))).map(key -> {
      // The transit key lives in memory only: a restarted service has a new one, which callers fetch again.
      vault = new VaultApi(vertx, new StoreClient(vertx.eventBus()), new Envelope(key), SealedBox.generate());
      vault.register();
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    if (vault != null) vault.unregister();
    return Future.succeededFuture();
  }
}
