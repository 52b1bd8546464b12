package io.enxame.store;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.testing.Eventually;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.enxame.store.StoreGroup.await;
import static io.enxame.store.StoreGroup.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/** Real Ratis groups of 3 and 5 raft-managers on loopback: joining, losing members, quorum, rejoining. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreGroupIT {
  @TempDir Path root;

  @Test
  void aGroupOfThreeKeepsWritingWithOneDownAndFailsFastWithTwoDown() {
    // Small snapshots and segments, so the third member catches up from a snapshot of a purged log.
    JsonObject tuning = new JsonObject().put("snapshotThreshold", 8).put("logSegmentBytes", 4096);
    try (StoreGroup group = StoreGroup.start(root, 2, tuning)) {
      StoreClient first = group.member(0).client;
      for (int i = 0; i < 40; i++) put(first, "k" + i, "v" + i);
      StoreGroup.Member third = group.add();
      assertThat(await(third.client.get(Kind.CONFIGS, "k0")).getString("Value")).isEqualTo("v0");
      assertThat(await(third.client.list(Kind.NODES))).extracting(n -> n.getString("ID"))
          .containsExactlyInAnyOrder("manager0", "manager1", "manager2");

      JsonObject view = await(first.members());
      assertThat(view.getJsonArray("members")).hasSize(3)
          .allSatisfy(m -> assertThat(((JsonObject) m).getBoolean("voter")).isTrue());

      StoreGroup.Member leader = group.leader();
      group.kill(leader);
      StoreGroup.Member survivor = group.alive().get(0);
      put(survivor.client, "after-kill", "yes");
      assertThat(await(group.alive().get(1).client.get(Kind.CONFIGS, "after-kill")).getString("Value")).isEqualTo("yes");
      StoreGroup.Member newLeader = group.leader();
      Eventually.until("the dead member seen unreachable", Duration.ofSeconds(10), () -> reachability(newLeader, leader.id),
          "unreachable"::equals);

      group.kill(group.alive().get(0));
      StoreGroup.Member last = group.alive().get(0);
      long start = System.nanoTime();
      Throwable noQuorum = failureOf(putAsync(last.client, "no-quorum", "x"));
      assertThat(Failures.statusOf(noQuorum)).isEqualTo(503);
      assertThat(noQuorum.getMessage()).isEqualTo(StoreVerticle.NO_LEADER);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails fast").isLessThan(Duration.ofSeconds(10));
      assertThat(Failures.statusOf(failureOf(last.client.get(Kind.CONFIGS, "k1")))).isEqualTo(503);

      // Both come back on their data dirs and catch up; nothing acknowledged is lost.
      group.members().stream().filter(m -> !m.alive()).forEach(group::restart);
      put(last.client, "back", "yes");
      for (StoreGroup.Member m : group.members()) {
        assertThat(await(m.client.get(Kind.CONFIGS, "after-kill")).getString("Value")).isEqualTo("yes");
        assertThat(await(m.client.get(Kind.CONFIGS, "k39")).getString("Value")).isEqualTo("v39");
      }
    }
  }

  /**
   * What stalled the fault test on Ratis 3.2.2 (RATIS-2487, see {@link StoreGrpc}): a member comes back needing
   * exactly the leader's first log entry, the one before it purged and not the snapshot's last. It must catch up,
   * so that the group still commits when it is one of the two members left.
   */
  @Test
  void aMemberThatNeedsTheFirstEntryLeftAfterAPurgeCatchesUp() {
    // Segments large enough to roll only when a term starts; snapshots (and purges) every 8 entries.
    JsonObject tuning = new JsonObject().put("snapshotThreshold", 8).put("logSegmentBytes", 1 << 20);
    try (StoreGroup group = StoreGroup.start(root, 3, tuning)) {
      put(group.member(0).client, "a", "1");
      StoreGroup.Member leader = group.leader();
      StoreGroup.Member lagging = group.alive().stream().filter(m -> m != leader).findFirst().orElseThrow();
      // Once it holds and has committed the leader's whole log, it goes down.
      long last = Eventually.until("the follower in step with the leader", Duration.ofSeconds(10), () -> {
        TermIndex mine = lagging.log().getLastEntryTermIndex();
        boolean inStep = mine.equals(leader.log().getLastEntryTermIndex()) && lagging.log().getLastCommittedIndex() == mine.getIndex();
        return inStep ? mine.getIndex() : -1L;
      }, index -> index > 0);
      group.kill(lagging);
      // A new term: its leader opens a new log segment at its first entry, the one the lagging member needs next.
      group.kill(leader);
      group.restart(leader);
      for (int i = 0; i < 40; i++) put(group.alive().get(0).client, "b" + i, "v" + i);
      StoreGroup.Member newLeader = group.leader();
      Eventually.until("the leader's log purged up to the entry the lagging member needs", Duration.ofSeconds(10),
          () -> newLeader.log().getStartIndex(), start -> start == last + 1);

      group.restart(lagging);
      group.kill(group.alive().stream().filter(m -> m != newLeader && m != lagging).findFirst().orElseThrow());
      put(newLeader.client, "c", "after");
      assertThat(await(lagging.client.get(Kind.CONFIGS, "b39")).getString("Value")).isEqualTo("v39");
    }
  }

  /**
   * A manager whose disk was wiped comes back as a new member (as it would rejoin with a new node ID through
   * {@code enxame join}): it catches up from a snapshot, and the old member stays in the group, unreachable,
   * until it is removed.
   */
  @Test
  void aMemberWhoseDiskWasWipedRejoinsAsANewMember() throws IOException {
    JsonObject tuning = new JsonObject().put("snapshotThreshold", 8).put("logSegmentBytes", 4096);
    try (StoreGroup group = StoreGroup.start(root, 3, tuning)) {
      for (int i = 0; i < 30; i++) put(group.member(0).client, "k" + i, "v" + i);
      StoreGroup.Member leader = group.leader();
      StoreGroup.Member wiped = group.alive().stream().filter(m -> m != leader).findFirst().orElseThrow();
      group.kill(wiped);
      try (Stream<Path> files = Files.walk(wiped.dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }

      StoreGroup.Member fresh = group.add();
      assertThat(fresh.id).isNotEqualTo(wiped.id);
      put(fresh.client, "after-wipe", "yes");
      assertThat(await(fresh.client.get(Kind.CONFIGS, "k29")).getString("Value")).isEqualTo("v29");
      StoreGroup.Member current = group.leader();
      assertThat(await(current.client.members()).getJsonArray("members")).hasSize(4);
      Eventually.until("the wiped member seen unreachable", Duration.ofSeconds(10), () -> reachability(current, wiped.id),
          "unreachable"::equals);
      assertThat(reachability(current, fresh.id)).isEqualTo("reachable");
    }
  }

  @Test
  void aGroupOfFiveToleratesTwoDown() {
    try (StoreGroup group = StoreGroup.start(root, 5, new JsonObject())) {
      put(group.member(0).client, "a", "1");
      group.kill(group.leader());
      group.kill(group.alive().get(0));
      StoreGroup.Member any = group.alive().get(2);
      put(any.client, "b", "2");
      assertThat(await(group.alive().get(0).client.get(Kind.CONFIGS, "a")).getString("Value")).isEqualTo("1");
      assertThat(await(any.client.members()).getJsonArray("members")).hasSize(5);
    }
  }

  @Test
  void aMemberIsRemovedOnlyWhenTheMembersLeftStillMakeAQuorum() {
    try (StoreGroup group = StoreGroup.start(root, 3, new JsonObject())) {
      StoreGroup.Member leader = group.leader();
      StoreGroup.Member down = group.alive().stream().filter(m -> m != leader).findFirst().orElseThrow();
      StoreGroup.Member up = group.alive().stream().filter(m -> m != leader && m != down).findFirst().orElseThrow();
      group.kill(down);
      // From a follower too: it asks the leader, the one that knows who is reachable.
      Eventually.until("the killed member unreachable in the leader's view", Duration.ofSeconds(10),
          () -> await(up.client.leaderView()).getJsonArray("members").stream().map(o -> (JsonObject) o)
              .filter(m -> down.id.equals(m.getString("id"))).map(m -> m.getString("reachability")).findFirst().orElse("absent"),
          "unreachable"::equals);

      // Without the live follower only the leader would be reachable: one of three is no quorum. Nothing changes.
      Throwable refused = failureOf(up.client.removeMember(up.id));
      assertThat(Failures.statusOf(refused)).isEqualTo(400);
      assertThat(refused).hasMessage("can't remove member from the raft: this would result in a loss of quorum");
      assertThat(failureOf(up.client.removeMember("no-such-member"))).hasMessageContaining("is not a member of the raft cluster");
      assertThat(await(leader.client.members()).getJsonArray("members")).hasSize(3);

      // The dead one goes: two of two remain, and they still write.
      await(up.client.removeMember(down.id));
      assertThat(await(leader.client.leaderView()).getJsonArray("members").stream().map(o -> ((JsonObject) o).getString("id")).toList())
          .containsExactlyInAnyOrder(leader.id, up.id);
      put(up.client, "after-removal", "yes");
      assertThat(await(leader.client.get(Kind.CONFIGS, "after-removal")).getString("Value")).isEqualTo("yes");
    }
  }

  private static String reachability(StoreGroup.Member viewer, String id) {
    JsonArray members = await(viewer.client.members()).getJsonArray("members");
    return members.stream().map(o -> (JsonObject) o).filter(m -> id.equals(m.getString("id")))
        .map(m -> m.getString("reachability")).findFirst().orElse("absent");
  }

  /** Creates or overwrites a config object holding one value. */
  static void put(StoreClient store, String key, String value) { await(putAsync(store, key, value)); }

  static Future<StoreClient.TxResult> putAsync(StoreClient store, String key, String value) {
    JsonObject object = new JsonObject().put("ID", key).put("Spec", new JsonObject().put("Name", key)).put("Value", value);
    return store.tx(StoreOp.deleteIfExists(Kind.CONFIGS, key), StoreOp.create(Kind.CONFIGS, object));
  }
}
