package io.enxame.gateway.swarm;

import io.vertx.core.json.JsonObject;

/**
 * Why {@code docker swarm leave} without {@code --force} is refused on a manager, in moby's words
 * (daemon/cluster/swarm.go: {@code managerStats}, {@code isLastManager}, {@code removingManagerCausesLossOfQuorum}),
 * from the store's membership view: voters whose reachability is unknown to the answering member count neither way.
 */
final class LeaveRefusal {
  private static final String MANAGER = "You are attempting to leave the swarm on a node that is participating as a manager. ";
  private static final String CONSENSUS = "The only way to restore a swarm that has lost consensus is to reinitialize it"
      + " with `--force-new-cluster`. Use `--force` to suppress this message.";

  private LeaveRefusal() {}

  static String of(JsonObject members) {
    int reachable = 0;
    int unreachable = 0;
    for (Object o : members.getJsonArray("members")) {
      JsonObject m = (JsonObject) o;
      if (!m.getBoolean("voter", true)) continue;
      switch (m.getString("reachability", "unknown")) {
        case "reachable" -> reachable++;
        case "unreachable" -> unreachable++;
        default -> { }
      }
    }
    if (reachable - 2 <= unreachable) {
      if (reachable == 1 && unreachable == 0) {
        return MANAGER + "Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message. ";
      }
      return MANAGER + "Removing this node leaves " + (reachable - 1) + " managers out of " + (reachable + unreachable)
          + ". Without a Raft quorum your swarm will be inaccessible. " + CONSENSUS;
    }
    return MANAGER + CONSENSUS;
  }
}
