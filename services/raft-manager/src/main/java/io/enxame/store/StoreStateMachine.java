package io.enxame.store;

import io.enxame.shared.model.Kind;
import io.enxame.shared.store.ChangeEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.AutoCloseableLock;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The Ratis state machine around {@link ClusterState}. Transactions and queries are JSON messages;
 * a refused transaction is still a log entry (its refusal is deterministic) and replies with
 * {@code {"error":{"status":N,"message":"..."}}}. Every member publishes each change it applies, on its own
 * process's bus, so each manager's scheduler, dispatcher and gateway follow the store; consumers on a bus that
 * several members share see each change once per member and keep the first (by Raft index).
 *
 * <p>At rest everything is sealed with the cluster's data key: a transaction is sealed by its
 * proposer ({@link #sealEntry}) before it reaches Ratis, so the log holds only ciphertext, and
 * snapshots are sealed when written. After each change to the cluster object the key ring follows
 * the autolock setting.
 */
final class StoreStateMachine extends BaseStateMachine {
  private static final String LOG_ENTRY = "log";
  private static final String SNAPSHOT = "snapshot";

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ClusterState state = new ClusterState();
  private final KeyRing keys;
  private final Sealer sealer;
  private volatile Consumer<ChangeEvent> changeListener = e -> {};

  StoreStateMachine(KeyRing keys) {
    this.keys = keys;
    this.sealer = keys.sealer();
  }

  /** A log entry's JSON (one transaction, or a batch of them) as it goes into the log. */
  byte[] sealEntry(byte[] json) { return sealer.seal(json, LOG_ENTRY); }

  void onChange(Consumer<ChangeEvent> listener) { this.changeListener = listener; }

  @Override
  public StateMachineStorage getStateMachineStorage() { return storage; }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, raftStorage);
      storage.init(raftStorage);
      load(storage.loadLatestSnapshot());
    }, IOException.class);
  }

  /** Ratis pauses the state machine while it installs a snapshot from the leader (a member far behind, or new). */
  @Override
  public void pause() {
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  /** After a snapshot was installed: load it, then run again. */
  @Override
  public void reinitialize() throws IOException {
    getLifeCycle().transition(LifeCycle.State.STARTING);
    load(storage.loadLatestSnapshot());
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  private void load(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) return;
    Path file = snapshot.getFile().getPath();
    byte[] bytes = sealer.open(Files.readAllBytes(file), SNAPSHOT);
    try (AutoCloseableLock ignored = writeLock()) {
      state.load(new JsonObject(new String(bytes, StandardCharsets.UTF_8)));
      updateLastAppliedTermIndex(snapshot.getTermIndex());
      keys.follow(snapshot.getIndex(), state.unlockKey());
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    JsonObject copy;
    TermIndex last;
    try (AutoCloseableLock ignored = readLock()) {
      copy = state.toJson();
      last = getLastAppliedTermIndex();
    }
    File target = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    Path tmp = target.toPath().resolveSibling(target.getName() + ".tmp");
    Files.write(tmp, sealer.seal(copy.toBuffer().getBytes(), SNAPSHOT));
    Files.move(tmp, target.toPath(), StandardCopyOption.ATOMIC_MOVE);
    var md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), last));
    return last.getIndex();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    byte[] plain = sealer.open(entry.getStateMachineLogEntry().getLogData().toByteArray(), LOG_ENTRY);
    JsonObject tx = new JsonObject(new String(plain, StandardCharsets.UTF_8));
    JsonObject reply;
    ClusterState.Outcome outcome = null;
    try (AutoCloseableLock ignored = writeLock()) {
      try {
        // An entry of several transactions (what the proposer's GroupCommit writes), or of one (older logs).
        outcome = tx.containsKey("txs") ? state.applyBatch(tx, index) : state.apply(tx, index);
        reply = outcome.reply();
      } catch (StoreError e) {
        reply = e.toJson();
      }
      updateLastAppliedTermIndex(entry.getTerm(), index);
      if (outcome != null && touchesCluster(outcome.changes())) followKeys(index);
    }
    if (outcome != null && !outcome.changes().isEmpty()) {
      changeListener.accept(new ChangeEvent(index, outcome.prevIndex(), outcome.changes()));
    }
    return CompletableFuture.completedFuture(Message.valueOf(reply.encode()));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    JsonObject q = new JsonObject(request.getContent().toStringUtf8());
    JsonObject reply;
    try (AutoCloseableLock ignored = readLock()) {
      reply = answer(q);
    } catch (StoreError e) {
      reply = e.toJson();
    }
    return CompletableFuture.completedFuture(Message.valueOf(reply.encode()));
  }

  private static boolean touchesCluster(JsonArray changes) {
    return changes.stream().anyMatch(c -> Kind.CLUSTER.wire().equals(((JsonObject) c).getString("kind")));
  }

  private void followKeys(long index) {
    try {
      keys.follow(index, state.unlockKey());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrap the store's data key", e);
    }
  }

  private JsonObject answer(JsonObject q) {
    long index = getLastAppliedTermIndex().getIndex();
    return switch (q.getString("q", "")) {
      case "get" -> new JsonObject().put("object", state.get(kind(q.getString("kind")), q.getString("id")));
      case "list" -> new JsonObject().put("index", index).put("items", state.list(kind(q.getString("kind"))));
      case "snapshot" -> {
        JsonObject kinds = new JsonObject();
        for (Object name : q.getJsonArray("kinds", new JsonArray())) kinds.put((String) name, state.list(kind((String) name)));
        yield new JsonObject().put("index", index).put("kinds", kinds);
      }
      case "conf" -> conf();
      case "members" -> {
        try {
          yield Members.view(getServer().get().getDivision(getGroupId()));
        } catch (Exception e) {
          throw new StoreError(503, "the store is not serving yet");
        }
      }
      default -> throw new StoreError(400, "unknown store query: " + q.getString("q"));
    };
  }

  /** What a joining member needs, from this member's view: the group, its members, and the data key sealed to the joiner. */
  JsonObject joinOffer(byte[] joinerPublicKey) {
    try (AutoCloseableLock ignored = readLock()) {
      return conf().put("dek", keys.sealFor(joinerPublicKey));
    }
  }

  /** The group and its current voters and listeners. */
  private JsonObject conf() {
    RaftConfiguration conf;
    try {
      conf = getServer().get().getDivision(getGroupId()).getRaftConf();
    } catch (Exception e) {
      throw new StoreError(503, "the store is not serving yet");
    }
    return new JsonObject()
        .put("groupId", getGroupId().getUuid().toString())
        .put("voters", Members.toJson(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)))
        .put("listeners", Members.toJson(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
  }

  private static Kind kind(String wire) {
    return Kind.fromWire(wire).orElseThrow(() -> new StoreError(400, "unknown object kind: " + wire));
  }


  private AutoCloseableLock readLock() { return AutoCloseableLock.acquire(lock.readLock()); }

  private AutoCloseableLock writeLock() { return AutoCloseableLock.acquire(lock.writeLock()); }
}
