package io.enxame.secrets.pki;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * The CA of the control plane's clustered bus ({@link RootCa#issueBusCa}): made once per swarm, signed by the root,
 * kept as the {@code pki} object {@code bus-<cluster ID>} ({@code {"ID", "Cert", "Key": sealed}}, the key sealed as
 * the root's is, bound to that ID). It signs only for the bus's trusted side and for control-plane processes that
 * present the manager token ({@link NodeCertificates}); a root rotation leaves it as it is (bus peers trust it as an
 * anchor, not through the root).
 */
final class BusCa {
  private final Vertx vertx;
  private final StoreClient store;
  private final CaKeeper keeper;
  private Future<RootCa> loaded;

  BusCa(Vertx vertx, StoreClient store, CaKeeper keeper) {
    this.vertx = vertx;
    this.store = store;
    this.keeper = keeper;
  }

  static String id(String clusterId) { return "bus-" + clusterId; }

  /** The bus CA, loaded (or made) once; a failure is retried by the next call. */
  Future<RootCa> ca() {
    if (loaded == null || loaded.failed()) loaded = keeper.ca().compose(root -> load(root, true));
    return loaded;
  }

  private Future<RootCa> load(CaKeeper.Loaded root, boolean mayCreate) {
    String id = id(root.clusterId());
    return store.get(Kind.PKI, id)
        .compose(pki -> vertx.executeBlocking(() -> keeper.open(id, pki.getString("Cert"), pki.getJsonObject("Key"))))
        .recover(e -> mayCreate && Failures.statusOf(e) == Failures.NOT_FOUND ? create(root) : Future.failedFuture(e));
  }

  /** Two instances racing: the store keeps the first, the other loads it. */
  private Future<RootCa> create(CaKeeper.Loaded root) {
    String id = id(root.clusterId());
    return vertx.executeBlocking(() -> {
      RootCa bus = root.root().issueBusCa(root.clusterId(), Instant.now());
      return new JsonObject().put("ID", id).put("Cert", bus.certPem()).put("Key", keeper.seal(id, bus));
    }).compose(pki -> store.tx(StoreOp.create(Kind.PKI, pki))
        .compose(tx -> vertx.executeBlocking(() -> keeper.open(id, pki.getString("Cert"), pki.getJsonObject("Key")))))
        .recover(e -> Failures.statusOf(e) == Failures.CONFLICT ? load(root, false) : Future.failedFuture(e));
  }
}
