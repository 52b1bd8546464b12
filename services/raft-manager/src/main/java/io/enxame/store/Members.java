package io.enxame.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.protocol.RaftPeer;

import java.util.Collection;
import java.util.List;

/** Raft peers as JSON, {@code [{"id":..., "address":...}]}: a member's id is its node ID. */
final class Members {
  private Members() {}

  static JsonArray toJson(Collection<RaftPeer> peers) {
    JsonArray out = new JsonArray();
    peers.forEach(p -> out.add(new JsonObject().put("id", p.getId().toString()).put("address", p.getAddress())));
    return out;
  }

  static List<RaftPeer> fromJson(JsonArray peers) {
    return peers.stream().map(o -> (JsonObject) o)
        .map(p -> RaftPeer.newBuilder().setId(p.getString("id")).setAddress(p.getString("address")).build())
        .toList();
  }
}
