package io.enxame.store;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.grpc.server.GrpcServicesImpl;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.statemachine.SnapshotInfo;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ratis's gRPC transport with two fixes, selected by name in the Raft properties ({@code raft.rpc.type} = this
 * class), so Ratis builds it by reflection (hence the public no-argument constructor): the log appender's below,
 * and {@link Reconnects} for elections after a restart.
 *
 * <p>The appender fix is RATIS-2487 ("Trigger installSnapshot if leader cannot get previous entry", fixed upstream after
 * 3.2.2, not released yet), without which a group of three stalled in the fault test. A member that comes back
 * behind the others asks for the entries after its last one; when that next index is exactly the leader's first
 * log entry — which happens readily, because logs are purged by whole segments and every member starts a new
 * segment at the first entry of each term — the leader has neither the previous entry (purged) nor a snapshot
 * ending right there. Ratis 3.2.2 only sends a snapshot when the next index is below the log's start, so its
 * appender fails its own check ("Previous TermIndex not found"), restarts and fails again for as long as that
 * leader lasts: the member never catches up, and when the leader is the next one killed the two left cannot commit
 * anything. Here the leader sends its latest snapshot in that case too, as Ratis does from RATIS-2487 on. Remove
 * this class when Ratis is upgraded to a release that has it.
 */
public final class StoreGrpc implements RpcType {
  @Override
  public String name() { return StoreGrpc.class.getName(); }

  @Override
  public RpcFactory newFactory(Parameters parameters) { return new Factory(parameters); }

  static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) { super(parameters); }

    @Override
    public GrpcServices newRaftServerRpc(RaftServer server) {
      GrpcServices rpc = super.newRaftServerRpc(server);
      Reconnects.keepUp(server, (GrpcServicesImpl) rpc);
      return rpc;
    }

    @Override
    public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower);
    }
  }

  static final class Appender extends GrpcLogAppender {
    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) { super(server, state, follower); }

    @Override
    public SnapshotInfo shouldInstallSnapshot() {
      SnapshotInfo snapshot = super.shouldInstallSnapshot();
      return snapshot != null || !previousEntryGone() ? snapshot : getServer().getStateMachine().getLatestSnapshot();
    }

    /** The follower needs entries from the first one in the log on, and the one before it is neither in the log nor the snapshot's last. */
    private boolean previousEntryGone() {
      RaftLog log = getRaftLog();
      long next = getFollower().getNextIndex();
      if (next <= RaftLog.LEAST_VALID_LOG_INDEX || next >= log.getNextIndex() || next != log.getStartIndex()) return false;
      if (log.getTermIndex(next - 1) != null) return false;
      SnapshotInfo snapshot = getServer().getStateMachine().getLatestSnapshot();
      return snapshot != null && snapshot.getIndex() != next - 1;
    }
  }

  /**
   * While a Ratis server runs, makes its channels to the other members reconnect at once instead of after gRPC's
   * backoff. A channel to a member that was down backs off exponentially (1 s, 1.6 s, 2.6 s... up to 2 minutes) and
   * fails every call at once meanwhile; the leader's appender resets the backoff when an append fails, but a
   * candidate's vote requests do not. So after a restart the member that must win the next election could not
   * reach the restarted one for seconds and lost round after round (the fault test saw 2.5 s failovers from this).
   * Resetting the backoff of a connected or idle channel does nothing, so this costs little.
   */
  static final class Reconnects {
    private static final long PERIOD_MS = 100;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "raft-reconnects");
      t.setDaemon(true);
      return t;
    });

    /** GrpcServerProtocolClient.resetConnectBackoff(): public, but its class is not. */
    private static final Method RESET_BACKOFF;

    static {
      try {
        RESET_BACKOFF = Class.forName("org.apache.ratis.grpc.server.GrpcServerProtocolClient").getMethod("resetConnectBackoff");
        RESET_BACKOFF.setAccessible(true);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private Reconnects() {}

    static void keepUp(RaftServer server, GrpcServicesImpl rpc) {
      AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
      task.set(TIMER.scheduleWithFixedDelay(() -> {
        if (server.getLifeCycleState().isClosingOrClosed()) {
          task.get().cancel(false);
          return;
        }
        for (RaftGroupId group : server.getGroupIds()) {
          try {
            RaftServer.Division division = server.getDivision(group);
            for (RaftPeer peer : division.getRaftConf().getAllPeers()) {
              if (!peer.getId().equals(division.getId())) RESET_BACKOFF.invoke(rpc.getProxies().getProxy(peer.getId()));
            }
          } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            // starting, closing, or a peer the transport does not know yet: next time
          }
        }
      }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS));
    }
  }
}
