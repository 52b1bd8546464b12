package io.enxame.store;

import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterStateTest {
  private final ClusterState state = new ClusterState();

  private static JsonObject tx(JsonObject... ops) {
    return new JsonObject().put("now", "2026-01-01T00:00:00.000000000Z").put("ops", new JsonArray(java.util.List.of((Object[]) ops)));
  }

  private static JsonObject service(String id, String name) {
    return new JsonObject().put("ID", id).put("Spec", new JsonObject().put("Name", name));
  }

  @Test
  void createStampsVersionAndTimes() {
    ClusterState.Outcome out = state.apply(tx(StoreOp.create(Kind.SERVICES, service("s1", "web"))), 7);
    JsonObject stored = state.get(Kind.SERVICES, "s1");
    assertThat(stored.getJsonObject("Version").getLong("Index")).isEqualTo(7);
    assertThat(stored.getString("CreatedAt")).isEqualTo("2026-01-01T00:00:00.000000000Z");
    assertThat(out.changes()).hasSize(1);
    assertThat(out.changes().getJsonObject(0).getString("action")).isEqualTo("create");
  }

  @Test
  void duplicateNameIsRefusedAndNothingChanges() {
    state.apply(tx(StoreOp.create(Kind.SERVICES, service("s1", "web"))), 1);
    assertThatThrownBy(() -> state.apply(tx(
        StoreOp.create(Kind.SERVICES, service("s2", "other")),
        StoreOp.create(Kind.SERVICES, service("s3", "web"))), 2))
        .isInstanceOfSatisfying(StoreError.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(state.list(Kind.SERVICES)).hasSize(1);
  }

  @Test
  void aNameIsFreeOnceItsHolderIsRenamedOrDeletedEvenInTheSameTransaction() {
    state.apply(tx(StoreOp.create(Kind.SERVICES, service("s1", "web")), StoreOp.create(Kind.SERVICES, service("s2", "db"))), 1);
    // s1 takes a new name and s3 the old one, in one transaction; s2 is deleted and s4 takes its name.
    state.apply(tx(StoreOp.update(Kind.SERVICES, service("s1", "www"), 1L), StoreOp.create(Kind.SERVICES, service("s3", "web"))), 2);
    state.apply(tx(StoreOp.delete(Kind.SERVICES, "s2"), StoreOp.create(Kind.SERVICES, service("s4", "db"))), 3);
    assertThat(state.list(Kind.SERVICES)).extracting(o -> ((JsonObject) o).getJsonObject("Spec").getString("Name"))
        .containsExactlyInAnyOrder("www", "web", "db");
    // The index follows renames and deletions: the names in use are refused, the freed one is not, after a snapshot too.
    ClusterState copy = new ClusterState();
    copy.load(state.toJson());
    for (ClusterState s : java.util.List.of(state, copy)) {
      for (String taken : java.util.List.of("www", "web", "db")) {
        assertThatThrownBy(() -> s.apply(tx(StoreOp.create(Kind.SERVICES, service("x", taken))), 4))
            .isInstanceOfSatisfying(StoreError.class, e -> assertThat(e.status()).isEqualTo(409));
      }
      s.apply(tx(StoreOp.create(Kind.SERVICES, service("x", "api"))), 4);
    }
  }

  @Test
  void staleVersionIsRefused() {
    state.apply(tx(StoreOp.create(Kind.SERVICES, service("s1", "web"))), 1);
    state.apply(tx(StoreOp.update(Kind.SERVICES, service("s1", "web").put("Labels", new JsonObject()), 1L)), 2);
    assertThatThrownBy(() -> state.apply(tx(StoreOp.update(Kind.SERVICES, service("s1", "web"), 1L)), 3))
        .isInstanceOfSatisfying(StoreError.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.getMessage()).isEqualTo("update out of sequence");
        });
    assertThat(state.get(Kind.SERVICES, "s1").getJsonObject("Version").getLong("Index")).isEqualTo(2);
  }

  @Test
  void mergeSetsTopLevelFieldsAndKeepsTheRest() {
    state.apply(tx(StoreOp.create(Kind.TASKS, new JsonObject().put("ID", "t1").put("DesiredState", "running"))), 1);
    state.apply(tx(StoreOp.merge(Kind.TASKS, "t1", new JsonObject().put("Status", new JsonObject().put("State", "running")))), 2);
    JsonObject task = state.get(Kind.TASKS, "t1");
    assertThat(task.getString("DesiredState")).isEqualTo("running");
    assertThat(task.getJsonObject("Status").getString("State")).isEqualTo("running");
  }

  @Test
  void tolerantOpsOnMissingObjectsChangeNothing() {
    ClusterState.Outcome out = state.apply(tx(
        StoreOp.mergeIfExists(Kind.TASKS, "gone", new JsonObject().put("DesiredState", "shutdown")),
        StoreOp.deleteIfExists(Kind.TASKS, "gone")), 1);
    assertThat(out.changes()).isEmpty();
    assertThatThrownBy(() -> state.apply(tx(StoreOp.delete(Kind.TASKS, "gone")), 2))
        .isInstanceOfSatisfying(StoreError.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void deleteAndPrevIndexChainTheChangeStream() {
    state.apply(tx(StoreOp.create(Kind.SERVICES, service("s1", "web"))), 3);
    ClusterState.Outcome out = state.apply(tx(StoreOp.delete(Kind.SERVICES, "s1")), 5);
    assertThat(out.prevIndex()).isEqualTo(3);
    assertThat(out.changes().getJsonObject(0).getString("action")).isEqualTo("delete");
    assertThat(state.list(Kind.SERVICES)).isEmpty();
  }

  @Test
  void snapshotRoundTrips() {
    state.apply(tx(StoreOp.create(Kind.SERVICES, service("s1", "web"))), 3);
    ClusterState copy = new ClusterState();
    copy.load(state.toJson());
    assertThat(copy.get(Kind.SERVICES, "s1")).isEqualTo(state.get(Kind.SERVICES, "s1"));
    assertThat(copy.lastChangeIndex()).isEqualTo(3);
  }

  private static JsonObject entry(JsonObject... txs) {
    return new JsonObject().put("now", "2026-01-01T00:00:00.000000000Z").put("txs", new JsonArray(java.util.List.of((Object[]) txs)));
  }

  private static JsonObject ops(JsonObject... ops) {
    return new JsonObject().put("ops", new JsonArray(java.util.List.of((Object[]) ops)));
  }

  @Test
  void anEntryOfSeveralTransactionsAppliesThemInOrderEachWithItsOwnResult() {
    state.apply(tx(StoreOp.create(Kind.SERVICES, service("s0", "old"))), 2);
    ClusterState.Outcome out = state.applyBatch(entry(
        ops(StoreOp.create(Kind.SERVICES, service("s1", "web"))),
        // Sees the first one's name: refused alone, and its other operation is undone with it.
        ops(StoreOp.create(Kind.SERVICES, service("s9", "other")), StoreOp.create(Kind.SERVICES, service("s2", "web"))),
        ops(StoreOp.update(Kind.SERVICES, service("s0", "older"), 1L)),
        ops(StoreOp.update(Kind.SERVICES, service("s0", "new"), 2L), StoreOp.create(Kind.SERVICES, service("s3", "old")))), 7);

    JsonArray results = out.reply().getJsonArray("results");
    assertThat(results).hasSize(4);
    assertThat(results.getJsonObject(0).getLong("index")).isEqualTo(7);
    assertThat(results.getJsonObject(0).getJsonArray("objects").getJsonObject(0).getString("ID")).isEqualTo("s1");
    assertThat(results.getJsonObject(1).getJsonObject("error").getInteger("status")).isEqualTo(409);
    assertThat(results.getJsonObject(2).getJsonObject("error").getString("message")).isEqualTo("update out of sequence");
    assertThat(results.getJsonObject(3).getJsonArray("objects")).hasSize(2);
    assertThat(state.list(Kind.SERVICES)).extracting(o -> ((JsonObject) o).getString("ID")).containsExactlyInAnyOrder("s0", "s1", "s3");
    assertThat(state.get(Kind.SERVICES, "s0").getJsonObject("Spec").getString("Name")).isEqualTo("new");
    // Every object written by the entry has its index as version; one change event holds the changes of all of them.
    for (String id : java.util.List.of("s0", "s1", "s3")) {
      assertThat(state.get(Kind.SERVICES, id).getJsonObject("Version").getLong("Index")).isEqualTo(7);
    }
    assertThat(out.changes()).extracting(c -> ((JsonObject) c).getString("id")).containsExactly("s1", "s0", "s3");
    assertThat(out.prevIndex()).isEqualTo(2);
    assertThat(state.lastChangeIndex()).isEqualTo(7);
  }

  @Test
  void aTransactionOnAnObjectThatAnEarlierOneOfTheEntryChangedIsRefused() {
    // Both would get version 7: the second would then pass a compare-and-set meant for the first one's state.
    state.apply(tx(StoreOp.create(Kind.SERVICES, service("s1", "web"))), 2);
    ClusterState.Outcome out = state.applyBatch(entry(
        ops(StoreOp.update(Kind.SERVICES, service("s1", "a"), null)),
        ops(StoreOp.update(Kind.SERVICES, service("s1", "b"), null)),
        ops(StoreOp.delete(Kind.SERVICES, "s1"))), 7);
    JsonArray results = out.reply().getJsonArray("results");
    assertThat(results.getJsonObject(0).containsKey("error")).isFalse();
    assertThat(results.getJsonObject(1).getJsonObject("error").getInteger("status")).isEqualTo(500);
    assertThat(results.getJsonObject(2).getJsonObject("error").getInteger("status")).isEqualTo(500);
    assertThat(state.get(Kind.SERVICES, "s1").getJsonObject("Spec").getString("Name")).isEqualTo("a");
    // A refused transaction changed nothing, so it does not stand in the way of a later one on its objects.
    ClusterState.Outcome later = state.applyBatch(entry(
        ops(StoreOp.update(Kind.SERVICES, service("s9", "x"), null)),
        ops(StoreOp.create(Kind.SERVICES, service("s9", "x")))), 8);
    assertThat(later.reply().getJsonArray("results").getJsonObject(0).getJsonObject("error").getInteger("status")).isEqualTo(404);
    assertThat(later.reply().getJsonArray("results").getJsonObject(1).containsKey("error")).isFalse();
  }

  @Test
  void anEntryThatChangesNothingLeavesTheChangeStreamAlone() {
    state.apply(tx(StoreOp.create(Kind.SERVICES, service("s1", "web"))), 3);
    ClusterState.Outcome out = state.applyBatch(entry(ops(StoreOp.delete(Kind.SERVICES, "nope"))), 4);
    assertThat(out.changes()).isEmpty();
    assertThat(state.lastChangeIndex()).isEqualTo(3);
  }

  @Test
  void targetsNameEveryObjectATransactionTouches() {
    assertThat(ClusterState.targets(ops(StoreOp.create(Kind.SERVICES, service("s1", "web")),
        StoreOp.delete(Kind.TASKS, "t1"), StoreOp.merge(Kind.NODES, "n1", new JsonObject()))))
        .containsExactlyInAnyOrder("services/s1", "tasks/t1", "nodes/n1");
  }
}
