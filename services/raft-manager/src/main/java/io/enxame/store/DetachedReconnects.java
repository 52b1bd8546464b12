package io.enxame.store;

import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.util.IOUtils;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Ratis client transport whose reconnections never hold up the thread that saw the failure.
 *
 * <p>When a request fails or times out, the Ratis 3.2.2 client drops the peer's gRPC proxy on the thread that
 * noticed (PeerProxyMap.resetProxy), and closing the old channel waits up to 3 s for a graceful shutdown
 * (GrpcUtil.shutdownManagedChannel) whenever a stream on it is still open — as it is to a peer that stopped
 * answering. For a request timeout that thread is one of the eight timer threads of Ratis's process-wide
 * TimeoutExecutor, which also run every client's retries and request timeouts and the leader's appendEntries
 * timeouts: each of those queued behind it waited the 3 s too. That was the 3–5 s failover tail (a retry
 * scheduled 100 ms after a kill ran 2.8 s later). Here the same reset runs on a thread of its own; the next
 * attempt, which the client has already pointed at another peer, goes out on time.
 */
final class DetachedReconnects implements RaftClientRpc {
  private static final ExecutorService RESETS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ratis-client-reconnect");
    t.setDaemon(true);
    return t;
  });

  private final RaftClientRpc rpc;

  DetachedReconnects(RaftClientRpc rpc) { this.rpc = rpc; }

  @Override
  public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) { return rpc.sendRequestAsync(request); }

  @Override
  public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
    return rpc.sendRequestAsyncUnordered(request);
  }

  @Override
  public RaftClientReply sendRequest(RaftClientRequest request) throws IOException { return rpc.sendRequest(request); }

  /** The same decision as Ratis's PeerProxyMap.handleException; only the reset itself is moved off the caller. */
  @Override
  public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
    if (!reconnect && !IOUtils.shouldReconnect(t)) return false;
    RESETS.execute(() -> rpc.handleException(serverId, t, true));
    return true;
  }

  @Override
  public boolean shouldReconnect(Throwable t) { return rpc.shouldReconnect(t); }

  @Override
  public void addRaftPeers(Collection<RaftPeer> peers) { rpc.addRaftPeers(peers); }

  @Override
  public void close() throws IOException { rpc.close(); }
}
