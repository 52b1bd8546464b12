package io.enxame.scheduler.dispatcher;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which nodes' logs the broker asks another manager for, and where that manager's dispatcher is. */
class SessionHolderTest {
  private final Map<String, JsonObject> nodes = new HashMap<>();

  private SessionHolderTest node(String id, String role, String state, String holder, String managerAddr) {
    JsonObject status = new JsonObject().put("State", state);
    if (holder != null) status.put(DispatcherServer.HOLDER, holder);
    JsonObject node = new JsonObject().put("ID", id).put("Spec", new JsonObject().put("Role", role)).put("Status", status);
    if (managerAddr != null) node.put("ManagerStatus", new JsonObject().put("Addr", managerAddr));
    nodes.put(id, node);
    return this;
  }

  private Optional<SessionHolder> holderOf(String self, String node) { return SessionHolder.elsewhere(nodes::get, self, node); }

  @Test
  void aNodeHeldByAnotherManagerIsAskedThroughThatManagersDispatcher() {
    node("m1", "manager", "ready", "m1", "127.0.0.2:2377").node("m2", "manager", "ready", "m2", "127.0.0.3:4242")
        .node("w", "worker", "ready", "m2", null);
    assertThat(holderOf("m1", "w")).contains(new SessionHolder("m2", SocketAddress.inetSocketAddress(4242, "127.0.0.3")));
    assertThat(holderOf("m1", "m2")).map(SessionHolder::managerId).contains("m2");
  }

  @Test
  void nodesThisManagerHoldsOrThatNobodyHoldsAreNotForwarded() {
    node("m1", "manager", "ready", "m1", "127.0.0.2:2377").node("m2", "manager", "ready", "m2", "127.0.0.3:2377")
        .node("w", "worker", "ready", "m1", null).node("down", "worker", "down", "m2", null).node("fresh", "worker", "ready", null, null);
    assertThat(holderOf("m1", "w")).as("held here").isEmpty();
    assertThat(holderOf("m1", "down")).as("a down node: nobody holds its session").isEmpty();
    assertThat(holderOf("m1", "fresh")).as("no holder recorded").isEmpty();
    assertThat(holderOf("m1", "unknown")).isEmpty();
    assertThat(holderOf(null, "w")).as("one manager only").isEmpty();
  }

  @Test
  void aHolderThatIsNoManagerOrHasNoAddressIsNotAsked() {
    node("m1", "manager", "ready", "m1", "127.0.0.2:2377").node("demoted", "worker", "ready", "m1", "127.0.0.3:2377")
        .node("noaddr", "manager", "ready", "noaddr", null).node("bad", "manager", "ready", "bad", "not an address")
        .node("a", "worker", "ready", "demoted", null).node("b", "worker", "ready", "noaddr", null).node("c", "worker", "ready", "bad", null)
        .node("d", "worker", "ready", "gone", null);
    for (String n : new String[] {"a", "b", "c", "d"}) assertThat(holderOf("m1", n)).as(n).isEmpty();
  }
}
