package io.enxame.store;

import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.testing.TestPki;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.enxame.store.StoreGroup.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raft speaks mutual TLS with manager certificates of the swarm's root only: a client like a member's own, holding
 * such a certificate, reads from the group; one without TLS, with a worker certificate, with another CA's manager
 * certificate or with an expired one is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RaftTlsIT {
  @TempDir Path root;

  @Test
  void onlyManagerCertificatesOfTheSwarmSpeakRaft() throws Exception {
    try (StoreGroup group = StoreGroup.start(root, 1, new JsonObject())) {
      StoreGroup.Member first = group.member(0);
      // Written through the member's own client, which started on the bootstrap identity before its certificate existed.
      await(first.client.tx(StoreOp.create(Kind.CONFIGS, new JsonObject().put("ID", "c1").put("Spec", new JsonObject().put("Name", "c1")))));
      RaftGroup target = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.fromString(Files.readString(first.dir.resolve("raft/group-id")).trim())),
          RaftPeer.newBuilder().setId(RaftPeerId.valueOf(first.id)).setAddress(first.raftAddress()).build());
      TestPki pki = group.pki;
      Instant now = Instant.now();

      assertThat(read(target, Optional.of(pki.issue(root.resolve("manager"), "m9", NodeTls.MANAGER_OU)))).isTrue();
      assertThat(read(target, Optional.empty())).isFalse();
      assertThat(read(target, Optional.of(pki.issue(root.resolve("worker"), "w9", NodeTls.WORKER_OU)))).isFalse();
      assertThat(read(target, Optional.of(TestPki.create("other").issue(root.resolve("foreign"), "m9", NodeTls.MANAGER_OU)))).isFalse();
      assertThat(read(target, Optional.of(pki.issue(root.resolve("expired"), "m9", NodeTls.MANAGER_OU,
          now.minusSeconds(7200), now.minusSeconds(60))))).isFalse();
    }
  }

  /** Whether a client with these certificates (none: plaintext) gets a linearizable read answered. */
  private static boolean read(RaftGroup group, Optional<NodeTls> tls) throws Exception {
    RaftProperties props = new RaftProperties();
    org.apache.ratis.client.RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(2, TimeUnit.SECONDS));
    Parameters parameters = RaftTls.parameters(tls);
    ClientId id = ClientId.randomId();
    try (RaftClient client = RaftClient.newBuilder().setClientId(id).setProperties(props).setRaftGroup(group)
        .setRetryPolicy(RetryPolicies.noRetry())
        .setClientRpc(new StoreGrpc.Factory(parameters).newRaftClientRpc(id, props)).build()) {
      RaftClientReply reply = client.async().sendReadOnly(Message.valueOf(new JsonObject().put("q", "conf").encode())).get(10, TimeUnit.SECONDS);
      return reply.isSuccess();
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }
}
