package io.enxame.store;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.ChangeEvent;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.testing.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real single-member Ratis group on loopback: the store API, the change stream, and recovery after a restart. */
@ExtendWith(VertxExtension.class)
class StoreVerticleIT {
  @TempDir Path dataDir;

  private JsonObject config(int port) {
    return new JsonObject().put("nodeId", "n1").put("dataDir", dataDir.toString()).put("raftPort", port).put("hostname", "h1");
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void servesTransactionsAndRecoversAfterRestart(Vertx vertx, VertxTestContext tc) throws Exception {
    int port = Ports.free();
    StoreClient store = new StoreClient(vertx.eventBus());
    JsonObject service = new JsonObject().put("ID", "s1").put("Spec", new JsonObject().put("Name", "web"));
    var changes = new java.util.concurrent.CopyOnWriteArrayList<ChangeEvent>();
    vertx.eventBus().<JsonObject>consumer(Addresses.STORE_CHANGES, m -> changes.add(ChangeEvent.fromJson(m.body())));

    vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config(port)))
        .compose(id -> store.list(Kind.CLUSTER).map(clusters -> {
          assertThat(clusters).hasSize(1);
          return id;
        }))
        .compose(id -> store.list(Kind.NODES).map(nodes -> {
          assertThat(nodes).singleElement().satisfies(n -> assertThat(n.getJsonObject("Spec").getString("Role")).isEqualTo("manager"));
          return id;
        }))
        .compose(id -> store.tx(StoreOp.create(Kind.SERVICES, service)).map(r -> id))
        .compose(id -> store.tx(StoreOp.create(Kind.SERVICES, service.copy().put("ID", "s2")))
            .transform(ar -> {
              assertThat(ar.failed()).isTrue();
              assertThat(Failures.statusOf(ar.cause())).isEqualTo(409);
              return vertx.undeploy(id);
            }))
        // Restart on the same data dir: everything committed is still there, and no second swarm is made.
        .compose(v -> vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config(port))))
        .compose(id -> store.get(Kind.SERVICES, "s1").compose(s -> {
          assertThat(s.getJsonObject("Spec").getString("Name")).isEqualTo("web");
          return store.list(Kind.CLUSTER);
        }).compose(clusters -> {
          assertThat(clusters).hasSize(1);
          return store.get(Kind.SERVICES, "nope");
        }).transform(ar -> {
          assertThat(Failures.statusOf(ar.cause())).isEqualTo(404);
          assertThat(ar.cause().getMessage()).isEqualTo("service nope not found");
          return vertx.undeploy(id);
        }))
        .onComplete(tc.succeeding(v -> tc.verify(() -> {
          assertThat(changes).isNotEmpty();
          ChangeEvent last = changes.get(changes.size() - 1);
          assertThat(last.changes().getJsonObject(0).getString("id")).isEqualTo("s1");
          tc.completeNow();
        })));
  }
}
