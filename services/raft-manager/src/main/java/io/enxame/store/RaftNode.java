package io.enxame.store;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One member of the Ratis group and a long-lived client to the group. Construction blocks: call it off the event loop. */
final class RaftNode implements AutoCloseable {
  private final RaftServer server;
  private final RaftClient client;
  private final RaftGroup group;

  private RaftNode(RaftServer server, RaftClient client, RaftGroup group) {
    this.server = server;
    this.client = client;
    this.group = group;
  }

  static RaftNode start(StoreConfig cfg, StoreStateMachine stateMachine) throws IOException {
    Path dir = cfg.dataDir().resolve("raft");
    Files.createDirectories(dir);
    UUID groupUuid = readOrCreateGroupId(dir.resolve("group-id"));
    RaftPeer self = RaftPeer.newBuilder()
        .setId(RaftPeerId.valueOf(cfg.nodeId()))
        .setAddress(cfg.raftHost() + ":" + cfg.raftPort())
        .build();
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(groupUuid), self);

    RaftProperties props = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(props, List.of(dir.toFile()));
    GrpcConfigKeys.Server.setHost(props, cfg.raftHost());
    GrpcConfigKeys.Server.setPort(props, cfg.raftPort());
    RaftServerConfigKeys.Read.setOption(props, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, cfg.snapshotThreshold());
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
    // Short election timeouts: a single member elects itself quickly, and failover stays near a second.
    RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));

    boolean recovering = Files.isDirectory(dir.resolve(groupUuid.toString()));
    RaftServer server = RaftServer.newBuilder()
        .setServerId(self.getId())
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(props)
        .setOption(recovering ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
    server.start();
    RaftClient client = RaftClient.newBuilder()
        .setProperties(props)
        .setRaftGroup(group)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(100, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
        .build();
    return new RaftNode(server, client, group);
  }

  private static UUID readOrCreateGroupId(Path file) throws IOException {
    if (Files.exists(file)) return UUID.fromString(Files.readString(file, StandardCharsets.UTF_8).trim());
    UUID id = UUID.randomUUID();
    Files.writeString(file, id.toString(), StandardCharsets.UTF_8);
    return id;
  }

  CompletableFuture<RaftClientReply> submit(byte[] entry) { return client.async().send(Message.valueOf(ByteString.copyFrom(entry))); }

  CompletableFuture<RaftClientReply> query(String json) { return client.async().sendReadOnly(Message.valueOf(json)); }

  /** Takes a snapshot now (the log up to it may then be purged). Blocks. */
  long snapshot() throws IOException {
    RaftClientReply reply = client.getSnapshotManagementApi().create(true, 30_000);
    if (!reply.isSuccess()) throw new IOException("snapshot failed", reply.getException());
    return reply.getLogIndex();
  }

  DivisionInfo info() throws IOException { return server.getDivision(group.getGroupId()).getInfo(); }

  RaftGroup group() { return group; }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      server.close();
    }
  }
}
