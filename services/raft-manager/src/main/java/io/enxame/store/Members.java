package io.enxame.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/** Raft peers and views of the group as JSON, {@code [{"id":..., "address":...}]}: a member's id is its node ID. */
final class Members {
  private Members() {}

  static JsonArray toJson(Collection<RaftPeer> peers) {
    JsonArray out = new JsonArray();
    peers.forEach(p -> out.add(new JsonObject().put("id", p.getId().toString()).put("address", p.getAddress())));
    return out;
  }

  /**
   * A member's view of the group, without a network round trip: {@code {"leaderId", "members":[{"id",
   * "address", "leader", "voter", "reachability"}]}}. The leader knows every member's reachability (its
   * last exchange with each, within {@link RaftNode#REACHABLE_MS}); a follower knows its own and the leader's,
   * and says "unknown" of the others.
   */
  static JsonObject view(RaftServer.Division division) {
    DivisionInfo info = division.getInfo();
    String self = division.getId().toString();
    String leader = info.getLeaderId() == null ? "" : info.getLeaderId().toString();
    Map<String, String> reachability = new HashMap<>();
    RoleInfoProto role = info.getRoleInfoProto();
    if (info.isLeader()) {
      role.getLeaderInfo().getFollowerInfoList().forEach(f -> reachability.put(f.getId().getId().toStringUtf8(),
          f.getLastRpcElapsedTimeMs() < RaftNode.REACHABLE_MS ? "reachable" : "unreachable"));
    } else if (!leader.isEmpty() && role.hasFollowerInfo()) {
      reachability.put(leader, role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs() < RaftNode.REACHABLE_MS
          ? "reachable" : "unreachable");
    }
    reachability.put(self, "reachable");
    JsonArray members = new JsonArray();
    var conf = division.getRaftConf();
    for (RaftPeerRole kind : List.of(RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER)) {
      for (RaftPeer p : conf.getCurrentPeers(kind)) {
        String id = p.getId().toString();
        members.add(new JsonObject().put("id", id).put("address", p.getAddress()).put("leader", id.equals(leader))
            .put("voter", kind == RaftPeerRole.FOLLOWER).put("reachability", reachability.getOrDefault(id, "unknown")));
      }
    }
    return new JsonObject().put("leaderId", leader).put("members", members);
  }

  static List<RaftPeer> fromJson(JsonArray peers) {
    return peers.stream().map(o -> (JsonObject) o)
        .map(p -> RaftPeer.newBuilder().setId(p.getString("id")).setAddress(p.getString("address")).build())
        .toList();
  }
}
