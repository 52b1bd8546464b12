package io.enxame.store;

import io.vertx.core.json.JsonObject;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One member of the Ratis group and a long-lived client to the group. Construction blocks: call it off the event loop.
 *
 * <p>Timing, tuned for failover near one second: election timeouts 300–600 ms (followers notice a dead
 * leader after one, and the first candidate usually wins), client requests time out after 1 s and are
 * retried every 100 ms with the same call id (the retry cache answers a retried write that was already
 * applied, so it is never applied twice) for at most {@link #CLIENT_ATTEMPTS} attempts, so that with no
 * quorum a write fails in a few seconds instead of hanging. The transport ({@link StoreGrpc}, {@link
 * DetachedReconnects}) carries fixes of Ratis 3.2.2 that failover depends on.
 */
final class RaftNode implements AutoCloseable {
  static final int CLIENT_ATTEMPTS = 40;
  static final long REACHABLE_MS = 3_000;
  /** Tries to be added while another configuration change is in progress (every 500 ms: a minute). */
  static final int JOIN_ATTEMPTS = 120;
  static final long LOCAL_TIMEOUT_MS = 10_000;

  private final RaftServer server;
  /** The client id of the requests this member hands its own server while it leads, and their call ids. */
  private final ClientId localClient = ClientId.randomId();
  private final AtomicLong localCalls = new AtomicLong();
  /** The one thread that hands this member's own server its proposals ({@link #submitLocally}). */
  private final ExecutorService submitter;
  private final RaftProperties props;
  /** The transport's settings (TLS), shared by the server and every client it makes. */
  private final Parameters parameters;
  private final RaftGroupId groupId;
  private final RaftPeer self;
  private final boolean recovered;
  private volatile RaftClient client;

  private RaftNode(RaftServer server, RaftProperties props, Parameters parameters, RaftGroupId groupId, RaftPeer self,
                   List<RaftPeer> clientPeers, boolean recovered) {
    this.server = server;
    this.recovered = recovered;
    this.props = props;
    this.parameters = parameters;
    this.groupId = groupId;
    this.self = self;
    this.client = client(props, parameters, RaftGroup.valueOf(groupId, clientPeers));
    this.submitter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "raft-submit-" + self.getId());
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts on an existing data dir (the group's configuration comes from the log), or as the only member of a new group. */
  static RaftNode start(StoreConfig cfg, StoreStateMachine stateMachine) throws IOException {
    Path dir = raftDir(cfg);
    UUID groupUuid = readOrCreateGroupId(dir.resolve("group-id"), UUID.randomUUID());
    RaftPeer self = self(cfg);
    boolean recovering = Files.isDirectory(dir.resolve(groupUuid.toString()));
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(groupUuid), self);
    return open(cfg, stateMachine, group, recovering, List.copyOf(group.getPeers()));
  }

  /** Joins an existing group on a fresh data dir: starts with an empty configuration and asks to be added ({@link #addAsVoter}). */
  static RaftNode join(StoreConfig cfg, StoreStateMachine stateMachine, JsonObject offer) throws IOException {
    Path dir = raftDir(cfg);
    UUID groupUuid = readOrCreateGroupId(dir.resolve("group-id"), UUID.fromString(offer.getString("groupId")));
    RaftGroupId groupId = RaftGroupId.valueOf(groupUuid);
    List<RaftPeer> voters = Members.fromJson(offer.getJsonArray("voters"));
    RaftNode node = open(cfg, stateMachine, RaftGroup.valueOf(groupId), false, voters);
    try {
      node.addAsVoter();
      node.reconnectClient();
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private static RaftNode open(StoreConfig cfg, StoreStateMachine stateMachine, RaftGroup group, boolean recovering,
                               List<RaftPeer> clientPeers) throws IOException {
    RaftProperties props = properties(cfg);
    Parameters parameters = RaftTls.parameters(cfg.tls());
    RaftPeer self = self(cfg);
    RaftServer server = RaftServer.newBuilder()
        .setServerId(self.getId())
        .setParameters(parameters)
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(props)
        .setOption(recovering ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
    server.start();
    RaftNode node = new RaftNode(server, props, parameters, group.getGroupId(), self, clientPeers, recovering);
    if (recovering) node.reconnectClient();
    return node;
  }

  /**
   * Points the client at every member of the configuration this member knows, itself included: a member
   * that does not lead answers with the leader and the current members, so the client keeps up with
   * later changes as long as it can reach this member.
   */
  private synchronized void reconnectClient() throws IOException {
    List<RaftPeer> peers = new ArrayList<>(server.getDivision(groupId).getRaftConf().getAllPeers());
    if (peers.stream().noneMatch(p -> p.getId().equals(self.getId()))) peers.add(self);
    RaftClient previous = client;
    client = client(props, parameters, RaftGroup.valueOf(groupId, peers));
    // Closing waits for the client's own threads, which may be the caller: close elsewhere.
    CompletableFuture.runAsync(() -> {
      try {
        previous.close();
      } catch (IOException ignored) {
        // it had failed already
      }
    });
  }

  /**
   * Once an ordered request has used up its retries, Ratis fails every later request of that client:
   * start a new client (a new client id, so call ids never collide in the retry cache) for what comes next.
   */
  private void renewAfterFailure(RaftClient failed, Throwable error) {
    if (!clientGaveUp(error)) return;
    synchronized (this) {
      if (client != failed) return;
      try {
        reconnectClient();
      } catch (IOException | RuntimeException ignored) {
        // the server is closing: nothing more will be sent
      }
    }
  }

  static RaftClient client(RaftProperties props, Parameters parameters, RaftGroup group) {
    RetryPolicy retry = RetryPolicies.retryUpToMaximumCountWithFixedSleep(CLIENT_ATTEMPTS, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
    ClientId id = ClientId.randomId();
    RaftClientRpc rpc = new StoreGrpc.Factory(parameters).newRaftClientRpc(id, props);
    return RaftClient.newBuilder().setClientId(id).setProperties(props).setRaftGroup(group).setRetryPolicy(retry)
        .setClientRpc(new DetachedReconnects(rpc)).build();
  }

  static RaftProperties properties(StoreConfig cfg) throws IOException {
    Path dir = raftDir(cfg);
    RaftProperties props = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(props, List.of(dir.toFile()));
    RaftConfigKeys.Rpc.setType(props, new StoreGrpc());
    GrpcConfigKeys.Server.setHost(props, cfg.raftHost());
    GrpcConfigKeys.Server.setPort(props, cfg.raftPort());
    RaftServerConfigKeys.Read.setOption(props, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, cfg.snapshotThreshold());
    // Disk stays bounded: after each snapshot the log is purged up to it, less one snapshot interval kept for
    // members a little behind; one further behind (down for long, or new) gets the snapshot. (Ratis 3.2.2 could
    // not send it when the member needed exactly the first entry left after a purge: see StoreGrpc.)
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
    RaftServerConfigKeys.Log.setPurgeGap(props, (int) Math.min(cfg.snapshotThreshold(), 1024));
    RaftServerConfigKeys.Log.setPurgePreservationLogNum(props, cfg.snapshotThreshold());
    RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf(cfg.logSegmentBytes()));
    // No commit-index entries in the log (Ratis writes one after each commit by default, so a restarted member could
    // apply up to it before hearing from a leader): they doubled the entries written and fsynced per write. Raft keeps
    // the commit index in memory; a restarted member learns it from the leader, and nothing committed depends on it.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(props, false);
    RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
    // A leader retries a member that stopped answering every 100 ms, not every 5 s once 30 attempts failed
    // (Ratis's default "1ms,10, 1s,20, 5s,1000"): a member back from a restart hears from it before its election
    // timeout, instead of starting elections it cannot win while the leader, hearing from no majority, steps down.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(props, "1ms,10, 100ms,1000000000");
    // A leader that stepped down for want of a majority may stand again after a second, not 10 s later (Ratis's
    // default): it may be the only member up to date enough to win. Pre-vote already keeps a member that is cut off
    // from disrupting the others. Ratis also makes a leader step down when its process stalls longer than this, so
    // not less: on a busy machine stalls of a few hundred milliseconds are common, and each cost a leader change.
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(props, TimeDuration.valueOf(1, TimeUnit.SECONDS));
    RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(1, TimeUnit.SECONDS));
    return props;
  }

  private static Path raftDir(StoreConfig cfg) throws IOException {
    return Files.createDirectories(cfg.dataDir().resolve("raft"));
  }

  private static RaftPeer self(StoreConfig cfg) {
    return RaftPeer.newBuilder().setId(RaftPeerId.valueOf(cfg.nodeId())).setAddress(cfg.raftHost() + ":" + cfg.raftPort()).build();
  }

  private static UUID readOrCreateGroupId(Path file, UUID fresh) throws IOException {
    if (Files.exists(file)) return UUID.fromString(Files.readString(file, StandardCharsets.UTF_8).trim());
    Files.writeString(file, fresh.toString(), StandardCharsets.UTF_8);
    return fresh;
  }

  /**
   * Asks the leader to add this member as a voter. Ratis stages a new peer before the new configuration
   * is even proposed: the leader replicates the log (or installs a snapshot) to it while it does not
   * count towards quorum, and only once it has caught up commits the configuration that makes it a voter.
   * (Adding it as a Ratis listener first and promoting it later left the promoted member unable to vote in
   * Ratis 3.2.2, so the staging phase is the non-voting step.) Mode ADD leaves concurrent joiners intact.
   */
  private void addAsVoter() throws IOException {
    // Managers joining one after the other: the leader takes one configuration change at a time and refuses the
    // next while the previous one is catching its new member up.
    for (int attempt = 1; ; attempt++) {
      try {
        require(client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
            .setServersInNewConf(List.of(self)).setListenersInNewConf(List.of()).setMode(SetConfigurationRequest.Mode.ADD).build()),
            "join the group");
        return;
      } catch (IOException e) {
        if (!causedBy(e, ReconfigurationInProgressException.class) || attempt == JOIN_ATTEMPTS) throw e;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while joining the group", e);
      }
    }
  }

  /** Commits a configuration without the member {@code id}, if the configuration is still the one read. Blocks. */
  void removeMember(String id) throws IOException {
    JsonObject current = conf();
    List<RaftPeer> voters = Members.fromJson(current.getJsonArray("voters"));
    List<RaftPeer> listeners = Members.fromJson(current.getJsonArray("listeners"));
    require(client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
        .setServersInCurrentConf(voters).setListenersInCurrentConf(listeners)
        .setServersInNewConf(voters.stream().filter(p -> !p.getId().toString().equals(id)).toList())
        .setListenersInNewConf(listeners.stream().filter(p -> !p.getId().toString().equals(id)).toList())
        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET).build()), "remove member " + id);
  }

  /** Current voters and listeners, read through the leader. Blocks. */
  JsonObject conf() throws IOException {
    RaftClientReply reply = client.io().sendReadOnly(Message.valueOf(new JsonObject().put("q", "conf").encode()));
    require(reply, "read the group configuration");
    return new JsonObject(reply.getMessage().getContent().toStringUtf8());
  }

  private static void require(RaftClientReply reply, String what) throws IOException {
    if (!reply.isSuccess()) throw new IOException("cannot " + what, reply.getException());
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) return true;
    }
    return false;
  }

  private static boolean clientGaveUp(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RaftRetryFailureException || t instanceof AlreadyClosedException) return true;
    }
    return false;
  }

  /**
   * Proposes a log entry. While this member leads, straight to its own server ({@link #submitLocally}); otherwise,
   * or when its server turns out not to be ready to lead yet, through the client to the leader, which retries with the
   * same call id until a leader takes it.
   */
  CompletableFuture<RaftClientReply> submit(byte[] entry) {
    Message message = Message.valueOf(ByteString.copyFrom(entry));
    if (!leads()) return viaClient(message);
    return submitLocally(message).thenCompose(reply ->
        reply.getLeaderNotReadyException() != null ? viaClient(message) : CompletableFuture.completedFuture(reply));
  }

  private CompletableFuture<RaftClientReply> viaClient(Message message) {
    RaftClient c = client;
    return c.async().send(message)
        .whenComplete((reply, error) -> renewAfterFailure(c, error != null ? error : reply.getException()));
  }

  /** A read answered by the given member's state machine (a plain read may be answered by any member). */
  CompletableFuture<RaftClientReply> queryAt(String json, String memberId) {
    RaftClient c = client;
    return c.async().sendReadOnly(Message.valueOf(json), RaftPeerId.valueOf(memberId))
        .whenComplete((reply, error) -> renewAfterFailure(c, error != null ? error : reply.getException()));
  }

  private boolean leads() {
    try {
      return server.getDivision(groupId).getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The request the client would send the leader, handed to the server in this process without the loopback gRPC
   * round trip (which cost more CPU than the rest of a write). It carries a client id of this member's own and a call
   * id that never repeats, so Ratis's retry cache treats it as any client request. It is not retried: if this member
   * stops leading before it is committed, it fails (the caller sees 503: it may or may not be applied, as for any
   * request caught by a leader change), except with "leader not ready", which Ratis answers before appending anything.
   * It fails after {@link #LOCAL_TIMEOUT_MS} at the latest, so nothing waits forever on a leader that cannot commit.
   */
  private CompletableFuture<RaftClientReply> submitLocally(Message message) {
    RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(localClient).setServerId(self.getId())
        .setGroupId(groupId).setCallId(localCalls.incrementAndGet()).setMessage(message)
        .setType(RaftClientRequest.writeRequestType()).build();
    // Off the caller's thread (an event loop): Ratis may block in here, as a leader that is taking itself out of the
    // group does, and one thread keeps the proposals in the order they came.
    return CompletableFuture.supplyAsync(() -> {
      try {
        return server.submitClientRequestAsync(request);
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, submitter).thenCompose(reply -> reply).orTimeout(LOCAL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  CompletableFuture<RaftClientReply> query(String json) {
    RaftClient c = client;
    return c.async().sendReadOnly(Message.valueOf(json))
        .whenComplete((reply, error) -> renewAfterFailure(c, error != null ? error : reply.getException()));
  }

  /** This member's view of the group, without a network round trip ({@link Members#view}). */
  JsonObject members() throws IOException { return Members.view(server.getDivision(groupId)); }

  /** This member's Raft log (tests look at its indices). */
  RaftLog log() throws IOException { return server.getDivision(groupId).getRaftLog(); }

  /** Whether this member started from a data dir it had written before (a restart), rather than a fresh one. */
  boolean recovered() { return recovered; }

  /** The server first: a leader that is going away stops leading at once, without waiting for its client's channels. */
  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      submitter.shutdownNow();
      client.close();
    }
  }
}
