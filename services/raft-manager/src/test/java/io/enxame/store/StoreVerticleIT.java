package io.enxame.store;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.ChangeEvent;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreClient.TxResult;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.testing.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
    var changes = new CopyOnWriteArrayList<ChangeEvent>();
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

  /**
   * Group commit over real Ratis: a burst of transactions from many callers shares log entries, each gets its own
   * result, and optimistic concurrency stays exact: of ten compare-and-sets from the same version exactly one wins
   * (each went into an entry of its own), and every object's version is the index of the entry that wrote it.
   */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void concurrentTransactionsShareLogEntriesAndKeepVersionsExact(Vertx vertx) throws Exception {
    StoreClient store = new StoreClient(vertx.eventBus());
    var changes = new CopyOnWriteArrayList<ChangeEvent>();
    vertx.eventBus().<JsonObject>consumer(Addresses.STORE_CHANGES, m -> changes.add(ChangeEvent.fromJson(m.body())));
    StoreVerticle verticle = new StoreVerticle();
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config(Ports.free()))).await(30, TimeUnit.SECONDS);
    JsonObject x = new JsonObject().put("ID", "x").put("Spec", new JsonObject().put("Name", "x"));
    long version = store.tx(StoreOp.create(Kind.SECRETS, x)).await(10, TimeUnit.SECONDS).objects().get(0)
        .getJsonObject("Version").getLong("Index");
    long before = verticle.raft().log().getLastEntryTermIndex().getIndex();

    var creates = new ArrayList<Future<TxResult>>();
    var sets = new ArrayList<Future<TxResult>>();
    for (int i = 0; i < 50; i++) {
      creates.add(store.tx(StoreOp.create(Kind.SECRETS, new JsonObject().put("ID", "s" + i).put("Spec", new JsonObject().put("Name", "s" + i)))));
      if (i % 5 == 0) {
        sets.add(store.tx(StoreOp.update(Kind.SECRETS, x.copy().put("Spec", new JsonObject().put("Name", "x").put("Labels", new JsonObject().put("by", "" + i))), version)));
      }
    }
    // join waits for every one, failed or not.
    Future.join(Stream.concat(creates.stream(), sets.stream()).toList()).otherwiseEmpty().await(30, TimeUnit.SECONDS);

    long entries = verticle.raft().log().getLastEntryTermIndex().getIndex() - before;
    assertThat(entries).as("log entries for 60 transactions").isBetween(10L, 59L);
    assertThat(creates).allSatisfy(f -> assertThat(f.succeeded()).isTrue());
    assertThat(sets.stream().filter(Future::succeeded)).hasSize(1);
    assertThat(sets.stream().filter(Future::failed)).allSatisfy(f -> assertThat(Failures.statusOf(f.cause())).isEqualTo(409));
    var won = sets.stream().filter(Future::succeeded).findFirst().orElseThrow().result();
    JsonObject stored = store.get(Kind.SECRETS, "x").await(10, TimeUnit.SECONDS);
    assertThat(stored.getJsonObject("Version").getLong("Index")).isEqualTo(won.index()).isGreaterThan(version);
    assertThat(stored.getJsonObject("Spec")).isEqualTo(won.objects().get(0).getJsonObject("Spec"));
    for (var f : creates) {
      assertThat(f.result().objects().get(0).getJsonObject("Version").getLong("Index")).isEqualTo(f.result().index());
    }
    // One change event per entry that changed something, chained by prevIndex.
    long last = verticle.raft().log().getLastEntryTermIndex().getIndex();
    var tail = Eventually.until("the change events", Duration.ofSeconds(10),
        () -> changes.stream().filter(e -> e.index() > before).toList(), l -> !l.isEmpty() && l.get(l.size() - 1).index() == last);
    assertThat(tail.stream().mapToInt(e -> e.changes().size()).sum()).isEqualTo(51);
    for (int i = 1; i < tail.size(); i++) assertThat(tail.get(i).prevIndex()).isEqualTo(tail.get(i - 1).index());
    vertx.undeploy(vertx.deploymentIDs().iterator().next()).await(30, TimeUnit.SECONDS);
  }
}
