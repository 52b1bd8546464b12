package io.enxame.gateway.swarm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeaveRefusalTest {
  private static JsonObject members(String... reachability) {
    JsonArray members = new JsonArray();
    for (int i = 0; i < reachability.length; i++) {
      members.add(new JsonObject().put("id", "m" + i).put("voter", true).put("reachability", reachability[i]));
    }
    members.add(new JsonObject().put("id", "listener").put("voter", false).put("reachability", "reachable"));
    return new JsonObject().put("leaderId", "m0").put("members", members);
  }

  @Test
  void theLastManagerIsToldItErasesTheSwarm() {
    assertThat(LeaveRefusal.of(members("reachable"))).isEqualTo("You are attempting to leave the swarm on a node that is"
        + " participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to"
        + " ignore this message. ");
  }

  @Test
  void leavingAManagerThatTheQuorumNeedsCountsWhatIsLeft() {
    String expected = "You are attempting to leave the swarm on a node that is participating as a manager. Removing this"
        + " node leaves 1 managers out of 2. Without a Raft quorum your swarm will be inaccessible. The only way to restore"
        + " a swarm that has lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.";
    assertThat(LeaveRefusal.of(members("reachable", "reachable"))).isEqualTo(expected);
    assertThat(LeaveRefusal.of(members("reachable", "reachable", "unreachable"))).contains("leaves 1 managers out of 3.");
  }

  @Test
  void withQuorumToSpareOnlyTheWarningRemains() {
    assertThat(LeaveRefusal.of(members("reachable", "reachable", "reachable"))).isEqualTo("You are attempting to leave the"
        + " swarm on a node that is participating as a manager. The only way to restore a swarm that has lost consensus is to"
        + " reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.");
  }
}
