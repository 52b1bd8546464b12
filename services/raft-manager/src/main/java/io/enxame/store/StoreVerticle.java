package io.enxame.store;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.crypto.Aead;
import io.enxame.shared.crypto.SealException;
import io.enxame.shared.model.Times;
import io.enxame.shared.store.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * raft-manager: serves the store's event-bus API (see {@link Addresses}) over a Ratis group
 * member, publishes committed changes, and initialises the swarm on a fresh data dir.
 *
 * <p>It opens the data dir's {@link KeyRing} first. A ring that is locked (autolock, after a restart)
 * keeps Ratis stopped — the log cannot be read without the data key — and every store address answers
 * 503 {@link #LOCKED} until {@link Addresses#STORE_UNLOCK} gets the right unlock key.
 */
public final class StoreVerticle extends VerticleBase {
  static final String NO_LEADER = "The swarm does not have a leader. It's possible that too few managers are online."
      + " Make sure more than half of the managers are online.";
  static final String LOSS_OF_QUORUM = "can't remove member from the raft: this would result in a loss of quorum";
  static final String LOCKED = "Swarm is encrypted and needs to be unlocked before it can be used. Please use"
      + " \"docker swarm unlock\" to unlock it.";

  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);

  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private StoreConfig cfg;
  private KeyRing keys;
  private StoreStateMachine stateMachine;
  /** Null while the keys are locked or Ratis is starting. */
  private RaftNode raft;
  /** While joining: the group to join (its id and voters), until this member is in it. */
  private JsonObject joinOffer;
  private GroupCommit commits;

  @Override
  public Future<?> start() {
    cfg = StoreConfig.fromJson(config());
    commits = groupCommit();
    boolean joining = cfg.join() != null && !KeyRing.exists(cfg.dataDir());
    return vertx.executeBlocking(() -> joining ? joinKeys() : KeyRing.open(cfg.dataDir(), new SecureRandom()))
        .compose(ring -> {
          keys = ring;
          serve(Addresses.STORE_TX, running(this::transaction));
          serve(Addresses.STORE_GET, running(body -> query(body.copy().put("q", "get")).map(r -> r.getJsonObject("object"))));
          serve(Addresses.STORE_LIST, running(body -> query(body.copy().put("q", "list"))));
          serve(Addresses.STORE_SNAPSHOT, running(body -> query(body.copy().put("q", "snapshot"))));
          serve(Addresses.STORE_MEMBERS, running(this::members));
          serve(Addresses.STORE_REMOVE_MEMBER, running(this::removeMember));
          serve(Addresses.STORE_JOIN_OFFER, running(this::joinOfferFor));
          serve(Addresses.STORE_STATUS, body -> Future.succeededFuture(new JsonObject().put("locked", keys.locked())));
          serve(Addresses.STORE_UNLOCK, this::unlock);
          return keys.locked() ? Future.succeededFuture() : startRaft();
        });
  }

  @Override
  public Future<?> stop() {
    consumers.forEach(MessageConsumer::unregister);
    RaftNode node = raft;
    return node == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      node.close();
      return null;
    });
  }

  /** A new member: keeps the group's data key (wrapped by a KEK of its own) before anything is written. Blocks. */
  private KeyRing joinKeys() throws IOException {
    joinOffer = cfg.join();
    return KeyRing.adopt(cfg.dataDir(), new SecureRandom(), JoinOffer.dek(joinOffer));
  }

  private Future<JsonObject> joinOfferFor(JsonObject body) {
    byte[] key;
    try {
      key = Aead.unb64(body.getString("publicKey", ""));
    } catch (SealException e) {
      return Future.failedFuture(Failures.badRequest("not a P-256 public key"));
    }
    StoreStateMachine machine = stateMachine;
    return vertx.executeBlocking(() -> {
      try {
        return machine.joinOffer(key);
      } catch (StoreError e) {
        throw Failures.of(e.status(), e.getMessage());
      }
    });
  }

  private Future<Void> startRaft() {
    StoreStateMachine machine = new StoreStateMachine(keys);
    machine.onChange(event -> vertx.eventBus().publish(Addresses.STORE_CHANGES, event.toJson()));
    JsonObject offer = joinOffer;
    return vertx.executeBlocking(() -> offer != null ? RaftNode.join(cfg, machine, offer) : RaftNode.start(cfg, machine))
        .compose(node -> {
          stateMachine = machine;
          raft = node;
          joinOffer = null;
          SwarmBootstrap bootstrap = new SwarmBootstrap(new StoreClient(vertx.eventBus()), cfg);
          // A restarted member comes up without waiting for quorum: it answers 503 until the group has a leader.
          if (node.recovered()) return Future.succeededFuture();
          if (offer != null) return bootstrap.registerManager();
          return cfg.initSwarm() ? bootstrap.run() : Future.succeededFuture();
        });
  }

  /** Unlocks the keys (blocking file reads and crypto on a worker, one at a time), then starts Ratis. */
  private Future<JsonObject> unlock(JsonObject body) {
    return vertx.executeBlocking(() -> {
      keys.unlock(body.getString("UnlockKey"));
      return null;
    }).compose(v -> startRaft()).map(v -> new JsonObject());
  }

  private Function<JsonObject, Future<JsonObject>> running(Function<JsonObject, Future<JsonObject>> handler) {
    return body -> raft != null ? handler.apply(body)
        : Future.failedFuture(Failures.unavailable(keys.locked() ? LOCKED : NO_LEADER));
  }

  private void serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, (Message<JsonObject> msg) ->
        handler.apply(msg.body()).onComplete(ar -> {
          if (ar.succeeded()) msg.reply(ar.result());
          else msg.fail(Failures.statusOf(ar.cause()), ar.cause().getMessage());
        })));
  }

  private Future<JsonObject> transaction(JsonObject body) {
    return commits.add(body.getJsonArray("ops", new JsonArray()));
  }

  /** Proposes one entry of {@link GroupCommit}'s, sealed; the proposer reads the clock, so applying it stays deterministic. */
  private GroupCommit groupCommit() {
    return new GroupCommit(() -> Times.format(Instant.now()),
        entry -> ratis(raft.submit(stateMachine.sealEntry(entry.getBytes()))));
  }

  private Future<JsonObject> query(JsonObject q) { return ratis(raft.query(q.encode())); }

  private Future<JsonObject> ratis(CompletableFuture<RaftClientReply> call) {
    return Future.fromCompletionStage(call, context).transform(ar -> {
      Throwable cause = ar.failed() ? ar.cause() : ar.result().getException();
      if (cause instanceof CompletionException ce && ce.getCause() != null) cause = ce.getCause();
      if (cause instanceof StateMachineException sme) {
        // Applying the entry failed on the leader: a bug or a broken data dir, not a missing leader.
        LOG.error("store state machine failed", sme);
        return Future.failedFuture(Failures.of(Failures.INTERNAL, "store failure: " + sme.getMessage()));
      }
      if (cause != null) {
        LOG.debug("store request failed without a leader", cause);
        return Future.failedFuture(Failures.unavailable(NO_LEADER));
      }
      JsonObject reply = new JsonObject(ar.result().getMessage().getContent().toStringUtf8());
      JsonObject error = reply.getJsonObject("error");
      return error == null ? Future.succeededFuture(reply)
          : Future.failedFuture(Failures.of(error.getInteger("status"), error.getString("message")));
    });
  }

  /**
   * The local view; asked for the leader's, the leader's when this member does not lead: a read addressed to the
   * leader, since Ratis lets followers answer linearizable reads themselves.
   */
  private Future<JsonObject> members(JsonObject body) {
    Future<JsonObject> local = vertx.executeBlocking(() -> raft.members());
    if (!body.getBoolean("leader", false)) return local;
    return local.compose(view -> {
      String leader = view.getString("leaderId", "");
      if (leader.isEmpty() || cfg.nodeId().equals(leader)) return Future.succeededFuture(view);
      return ratis(raft.queryAt(new JsonObject().put("q", "members").encode(), leader)).otherwise(view);
    });
  }

  /**
   * swarmkit's {@code CanRemoveMember}: the members left that the leader hears from (itself among them) must still
   * be a majority of the group as it is now; then a configuration without the member is committed, demanding the
   * current one so that a concurrent join is not lost.
   */
  private Future<JsonObject> removeMember(JsonObject body) {
    String id = body.getString("id", "");
    return members(new JsonObject().put("leader", true)).compose(view -> {
      List<JsonObject> voters = view.getJsonArray("members").stream().map(JsonObject.class::cast)
          .filter(m -> m.getBoolean("voter", true)).toList();
      if (voters.stream().noneMatch(m -> id.equals(m.getString("id")))) {
        return Future.failedFuture(Failures.notFound("node " + id + " is not a member of the raft cluster"));
      }
      long reachableLeft = voters.stream().filter(m -> !id.equals(m.getString("id")))
          .filter(StoreClient::heardFrom).count();
      if (!body.getBoolean("force", false) && reachableLeft < (voters.size() - 1) / 2 + 1) {
        return Future.failedFuture(Failures.badRequest(LOSS_OF_QUORUM));
      }
      if (body.getBoolean("dryRun", false)) return Future.succeededFuture(new JsonObject());
      return vertx.executeBlocking(() -> {
        raft.removeMember(id);
        return new JsonObject();
      });
    });
  }

  /** The Ratis member, null while locked or starting (in-process tests look at its log). */
  RaftNode raft() { return raft; }
}
