package io.enxame.store;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which transactions go into which entry, and how each gets its result. The entries are applied to a real
 * {@link ClusterState} at consecutive indices, as the state machine would, when the test lets an entry "commit";
 * the store over Ratis is {@link StoreVerticleIT}'s.
 */
class GroupCommitTest {
  private final ClusterState state = new ClusterState();
  private final List<JsonObject> entries = new ArrayList<>();
  private final List<Promise<JsonObject>> inFlight = new ArrayList<>();
  private final GroupCommit commits = new GroupCommit(() -> "2026-01-01T00:00:00.000000000Z", entry -> {
    entries.add(entry.toJsonObject());
    Promise<JsonObject> reply = Promise.promise();
    inFlight.add(reply);
    return reply.future();
  });

  /** Commits the entry in flight: applies it at the next index and answers with the state's reply. */
  private void commit() {
    int i = inFlight.size() - 1;
    inFlight.get(i).complete(state.applyBatch(entries.get(i), i + 1L).reply());
  }

  private static JsonArray ops(JsonObject... ops) { return new JsonArray(List.of((Object[]) ops)); }

  private static JsonObject secret(String id) { return new JsonObject().put("ID", id).put("Spec", new JsonObject().put("Name", id)); }

  private static List<String> ids(JsonObject entry) {
    return entry.getJsonArray("txs").stream()
        .map(tx -> ((JsonObject) tx).getJsonArray("ops").getJsonObject(0))
        .map(op -> op.containsKey("object") ? op.getJsonObject("object").getString("ID") : op.getString("id")).toList();
  }

  @Test
  void whatArrivesWhileAnEntryIsInFlightGoesTogetherIntoTheNextEachWithItsResult() {
    Future<JsonObject> first = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("a"))));
    Future<JsonObject> second = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("b"))));
    Future<JsonObject> duplicate = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("a"))));
    Future<JsonObject> third = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("c"))));
    assertThat(entries).hasSize(1);
    assertThat(ids(entries.get(0))).containsExactly("a");
    assertThat(entries.get(0).getString("now")).isEqualTo("2026-01-01T00:00:00.000000000Z");

    commit();
    assertThat(first.result().getLong("index")).isEqualTo(1);
    assertThat(entries).hasSize(2);
    assertThat(ids(entries.get(1))).containsExactly("b", "a", "c");
    assertThat(second.isComplete()).isFalse();

    commit();
    assertThat(second.result().getLong("index")).isEqualTo(2);
    assertThat(second.result().getJsonArray("objects").getJsonObject(0).getJsonObject("Version").getLong("Index")).isEqualTo(2);
    assertThat(Failures.statusOf(duplicate.cause())).isEqualTo(409);
    assertThat(duplicate.cause().getMessage()).isEqualTo("secret a already exists");
    assertThat(third.result().getLong("index")).isEqualTo(2);
    assertThat(entries).hasSize(2);
  }

  @Test
  void aTransactionOnAnObjectAlreadyInTheEntryStartsTheNextOneAndTheOrderHolds() {
    commits.add(ops(StoreOp.create(Kind.SECRETS, secret("x"))));
    commit();
    commits.add(ops(StoreOp.create(Kind.SECRETS, secret("hold"))));
    // Two compare-and-sets on x from the same version: in one entry both would get the same new version.
    Future<JsonObject> casOne = commits.add(ops(StoreOp.update(Kind.SECRETS, secret("x").put("Labels", new JsonObject().put("n", "1")), 1L)));
    Future<JsonObject> other = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("y"))));
    Future<JsonObject> casTwo = commits.add(ops(StoreOp.update(Kind.SECRETS, secret("x").put("Labels", new JsonObject().put("n", "2")), 1L)));
    Future<JsonObject> after = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("z"))));
    commit();
    assertThat(ids(entries.get(2))).containsExactly("x", "y");
    commit();
    assertThat(ids(entries.get(3))).containsExactly("x", "z");
    commit();

    assertThat(casOne.result().getLong("index")).isEqualTo(3);
    assertThat(other.result().getLong("index")).isEqualTo(3);
    assertThat(Failures.statusOf(casTwo.cause())).isEqualTo(409);
    assertThat(after.result().getLong("index")).isEqualTo(4);
    assertThat(state.get(Kind.SECRETS, "x").getJsonObject("Labels").getString("n")).isEqualTo("1");
  }

  @Test
  void anEntryThatFailsFailsEachOfItsTransactionsAndTheNextEntryGoesOut() {
    commits.add(ops(StoreOp.create(Kind.SECRETS, secret("a"))));
    Future<JsonObject> b = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("b"))));
    Future<JsonObject> c = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("c"))));
    commit();
    inFlight.get(1).fail(Failures.unavailable("no leader"));
    assertThat(List.of(b, c)).allSatisfy(f -> assertThat(Failures.statusOf(f.cause())).isEqualTo(503));
    Future<JsonObject> d = commits.add(ops(StoreOp.create(Kind.SECRETS, secret("d"))));
    assertThat(entries).hasSize(3);
    commit();
    assertThat(d.result().getLong("index")).isEqualTo(3);
  }

  @Test
  void anEntryHoldsAtMostMaxTxsTransactions() {
    commits.add(ops(StoreOp.create(Kind.SECRETS, secret("first"))));
    List<Future<JsonObject>> queued = IntStream.range(0, GroupCommit.MAX_TXS + 10)
        .mapToObj(i -> commits.add(ops(StoreOp.create(Kind.SECRETS, secret("s" + i))))).toList();
    commit();
    assertThat(entries.get(1).getJsonArray("txs")).hasSize(GroupCommit.MAX_TXS);
    commit();
    assertThat(entries.get(2).getJsonArray("txs")).hasSize(10);
    commit();
    assertThat(queued).allSatisfy(f -> assertThat(f.succeeded()).isTrue());
    assertThat(state.list(Kind.SECRETS)).hasSize(GroupCommit.MAX_TXS + 11);
  }
}
