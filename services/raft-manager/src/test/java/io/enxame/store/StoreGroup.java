package io.enxame.store;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.crypto.Aead;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.testing.Eventually;
import io.enxame.shared.testing.Ports;
import io.enxame.shared.testing.TestPki;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.apache.ratis.server.raftlog.RaftLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Ratis group of raft-managers on loopback, one Vert.x instance (own event bus) per member as
 * separate processes would have: member 0 initialises the swarm, the others join it with a live member's
 * join offer. Members can be killed (their Raft server and bus go away at once) and restarted on their data dir. Blocking: call from the test thread.
 * As in a swarm, each member has a manager certificate of one CA and speaks Raft over mutual TLS; member 0 gets its
 * certificate only once its store is up, as the first manager of a new swarm does.
 */
final class StoreGroup implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);

  final class Member {
    final int index;
    final String id;
    final Path dir;
    final int port;
    Vertx vertx;
    StoreClient client;
    StoreVerticle verticle;

    Member(int index, String id, Path dir, int port) {
      this.index = index;
      this.id = id;
      this.dir = dir;
      this.port = port;
    }

    boolean alive() { return vertx != null; }

    /** This member's Raft log, while it runs. */
    RaftLog log() {
      try {
        return verticle.raft().log();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String raftAddress() { return "127.0.0.1:" + port; }
  }

  private final Path root;
  private final JsonObject extra;
  final TestPki pki = TestPki.create("test-cluster");
  private final List<Member> members = new ArrayList<>();

  StoreGroup(Path root, JsonObject extra) {
    this.root = root;
    this.extra = extra;
  }

  /** Starts {@code size} members: the first makes the group, each other joins it and waits to be a voter. */
  static StoreGroup start(Path root, int size, JsonObject extra) {
    StoreGroup group = new StoreGroup(root, extra);
    try {
      for (int i = 0; i < size; i++) group.add();
    } catch (RuntimeException | Error e) {
      group.close();
      throw e;
    }
    return group;
  }

  Member add() {
    int i = members.size();
    Member m = new Member(i, "manager" + i, root.resolve("m" + i), Ports.free());
    members.add(m);
    launch(m);
    return m;
  }

  Member member(int i) { return members.get(i); }

  List<Member> members() { return List.copyOf(members); }

  synchronized List<Member> alive() { return members.stream().filter(Member::alive).toList(); }

  private void launch(Member m) {
    JsonObject config = extra.copy().put("nodeId", m.id).put("dataDir", m.dir.toString()).put("raftPort", m.port)
        .put("hostname", m.id).put("initSwarm", m.index == 0).put("tls", NodeTls.inDataDir(m.dir).toConfig());
    if (m.index > 0 && !Files.exists(Path.of(NodeTls.inDataDir(m.dir).certPath()))) pki.issue(m.dir, m.id, NodeTls.MANAGER_OU);
    if (m.index > 0 && !KeyRing.exists(m.dir)) {
      // As the dispatcher does for a node with a manager certificate: a live member's offer, sealed to the joiner.
      Member seed = members.stream().filter(o -> o != m && o.alive()).findFirst()
          .orElseThrow(() -> new IllegalStateException("no live member to join"));
      SealedBox.KeyPair joiner = SealedBox.generate();
      JsonObject offer = await(seed.vertx.eventBus().<JsonObject>request(Addresses.STORE_JOIN_OFFER,
          new JsonObject().put("publicKey", Aead.b64(joiner.publicKey()))).map(Message::body));
      config.put("join", JoinOffer.open(offer, joiner));
    }
    m.vertx = Vertx.vertx();
    m.client = new StoreClient(m.vertx.eventBus());
    m.verticle = new StoreVerticle();
    await(m.vertx.deployVerticle(m.verticle, new DeploymentOptions().setConfig(config)));
    if (m.index == 0 && !Files.exists(Path.of(NodeTls.inDataDir(m.dir).certPath()))) pki.issue(m.dir, m.id, NodeTls.MANAGER_OU);
  }

  /** Stops a member at once: its Raft server closes without handing over leadership, and its bus with it. */
  void kill(Member m) {
    Vertx v = m.vertx;
    synchronized (this) {
      m.vertx = null;
      m.client = null;
    }
    await(v.close());
  }

  void restart(Member m) { launch(m); }

  /** The live member that leads, once the live members agree on one. */
  Member leader() {
    return Eventually.until("a leader", WAIT, this::currentLeader, l -> l != null);
  }

  Member currentLeader() {
    for (Member m : alive()) {
      try {
        JsonObject view = m.client.members().await(5, TimeUnit.SECONDS);
        if (m.id.equals(view.getString("leaderId"))) return m;
      } catch (Exception ignored) {
        // a member that cannot answer is not the leader we want
      }
    }
    return null;
  }

  /** The result; a failure becomes an AssertionError that says where the test waited. */
  static <T> T await(Future<T> f) {
    try {
      return f.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer in 60 s", e);
    } catch (RuntimeException e) {
      throw new AssertionError("failed: " + e.getMessage(), e instanceof java.util.concurrent.CompletionException ? e.getCause() : e);
    }
  }

  /** The failure of a call that must fail, as it came (a ReplyException keeps its status). */
  static Throwable failureOf(Future<?> f) {
    try {
      f.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer in 60 s", e);
    } catch (RuntimeException e) {
      return e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
    }
    throw new AssertionError("the call succeeded");
  }

  @Override
  public void close() {
    for (Member m : members) {
      if (m.alive()) {
        try {
          kill(m);
        } catch (RuntimeException | Error ignored) {
          // keep closing the others
        }
      }
    }
  }
}
