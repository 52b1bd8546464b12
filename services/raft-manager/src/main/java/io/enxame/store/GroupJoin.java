package io.enxame.store;

import io.vertx.core.json.JsonObject;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.GroupListReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;

import java.io.IOException;

/**
 * A new member's first contact with the group, through any member's Raft port ({@code join: "host:port"}):
 * asks which group that server serves, then reads from the group its members and the data key sealed
 * for this joiner ({@link DekTransport}). Blocks.
 */
final class GroupJoin {
  private GroupJoin() {}

  /** {@code {"groupId", "voters", "listeners", "publicKey", "wrappedDek"}}. */
  static JsonObject ask(StoreConfig cfg, DekTransport.Request request) throws IOException {
    RaftProperties props = RaftNode.properties(cfg);
    // The seed's id is not known yet: the server routes by group, and a follower's answer names the leader.
    RaftPeer seed = RaftPeer.newBuilder().setId("seed").setAddress(cfg.join()).build();
    RaftGroupId groupId;
    try (RaftClient client = RaftNode.client(props, RaftGroup.valueOf(RaftGroupId.randomId(), seed))) {
      GroupListReply groups = client.getGroupManagementApi(seed.getId()).list();
      if (!groups.isSuccess() || groups.getGroupIds().isEmpty()) throw new IOException("no store group at " + cfg.join());
      groupId = groups.getGroupIds().get(0);
    }
    try (RaftClient client = RaftNode.client(props, RaftGroup.valueOf(groupId, seed))) {
      JsonObject query = new JsonObject().put("q", "join").put("publicKey", request.publicKey());
      RaftClientReply reply = client.io().sendReadOnly(Message.valueOf(query.encode()));
      if (!reply.isSuccess()) throw new IOException("the store group at " + cfg.join() + " did not answer", reply.getException());
      JsonObject offer = new JsonObject(reply.getMessage().getContent().toStringUtf8());
      if (offer.containsKey("error")) throw new IOException("join refused: " + offer.getJsonObject("error").getString("message"));
      return offer;
    }
  }
}
