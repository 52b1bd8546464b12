package io.enxame.gateway.events;

import io.enxame.shared.store.ChangeEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SwarmEventsTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456789Z");

  private static JsonObject service(String image, long replicas, String updateState) {
    JsonObject s = new JsonObject().put("ID", "svc1").put("CreatedAt", "2026-01-01T00:00:00.000000001Z")
        .put("UpdatedAt", "2026-01-01T00:00:02.5Z")
        .put("Spec", new JsonObject().put("Name", "web")
            .put("TaskTemplate", new JsonObject().put("ContainerSpec", new JsonObject().put("Image", image)))
            .put("Mode", new JsonObject().put("Replicated", new JsonObject().put("Replicas", replicas))));
    if (updateState != null) s.put("UpdateStatus", new JsonObject().put("State", updateState));
    return s;
  }

  private static ChangeEvent change(String action, String kind, String id, JsonObject object) {
    return new ChangeEvent(1, 0, new JsonArray().add(new JsonObject().put("action", action).put("kind", kind).put("id", id).put("object", object)));
  }

  @Test
  void serviceLifecycleCarriesSwarmsAttributes() {
    SwarmEvents events = new SwarmEvents();
    JsonObject created = events.derive(change("create", "services", "svc1", service("a:1", 1, null)), NOW).get(0);
    assertThat(created.getString("Type")).isEqualTo("service");
    assertThat(created.getString("Action")).isEqualTo("create");
    assertThat(created.getString("scope")).isEqualTo("swarm");
    assertThat(created.getJsonObject("Actor")).isEqualTo(new JsonObject().put("ID", "svc1").put("Attributes", new JsonObject().put("name", "web")));
    assertThat(created.getLong("time")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());
    assertThat(created.getLong("timeNano") % 1_000_000_000L).isEqualTo(1);

    JsonObject updated = events.derive(change("update", "services", "svc1", service("a:2", 3, "updating")), NOW).get(0);
    assertThat(updated.getJsonObject("Actor").getJsonObject("Attributes")).isEqualTo(new JsonObject().put("name", "web")
        .put("image.old", "a:1").put("image.new", "a:2").put("replicas.old", "1").put("replicas.new", "3")
        .put("updatestate.new", "updating"));
    JsonObject completed = events.derive(change("update", "services", "svc1", service("a:2", 3, "completed")), NOW).get(0);
    assertThat(completed.getJsonObject("Actor").getJsonObject("Attributes")).isEqualTo(new JsonObject().put("name", "web")
        .put("updatestate.old", "updating").put("updatestate.new", "completed"));

    JsonObject removed = events.derive(change("delete", "services", "svc1", null), NOW).get(0);
    assertThat(removed.getString("Action")).isEqualTo("remove");
    assertThat(removed.getJsonObject("Actor").getJsonObject("Attributes").getString("name")).isEqualTo("web");
    assertThat(removed.getLong("timeNano")).isEqualTo(NOW.getEpochSecond() * 1_000_000_000L + 123456789L);
  }

  @Test
  void nodeUpdatesNameTheirStateChanges() {
    SwarmEvents events = new SwarmEvents();
    JsonObject node = new JsonObject().put("ID", "n1").put("Spec", new JsonObject().put("Role", "worker").put("Availability", "active"))
        .put("Description", new JsonObject().put("Hostname", "host-1")).put("Status", new JsonObject().put("State", "ready"));
    events.reset(List.of(node));
    JsonObject down = node.copy().put("Status", new JsonObject().put("State", "down"));
    down.getJsonObject("Spec").put("Availability", "drain");
    JsonObject e = events.derive(change("update", "nodes", "n1", down), NOW).get(0);
    assertThat(e.getString("Type")).isEqualTo("node");
    assertThat(e.getJsonObject("Actor").getJsonObject("Attributes")).isEqualTo(new JsonObject().put("name", "host-1")
        .put("availability.old", "active").put("availability.new", "drain").put("state.old", "ready").put("state.new", "down"));
  }

  @Test
  void secretsConfigsAndNetworksAreNamed() {
    SwarmEvents events = new SwarmEvents();
    JsonObject secret = events.derive(change("create", "secrets", "s1", new JsonObject().put("ID", "s1")
        .put("Spec", new JsonObject().put("Name", "db-password"))), NOW).get(0);
    assertThat(secret.getString("Type")).isEqualTo("secret");
    assertThat(secret.getJsonObject("Actor").getJsonObject("Attributes").getString("name")).isEqualTo("db-password");
    JsonObject config = events.derive(change("update", "configs", "c1", new JsonObject().put("ID", "c1")
        .put("Spec", new JsonObject().put("Name", "nginx.conf"))), NOW).get(0);
    assertThat(config.getString("Type")).isEqualTo("config");
    assertThat(config.getString("Action")).isEqualTo("update");
    events.derive(change("create", "networks", "w1", new JsonObject().put("ID", "w1").put("Spec", new JsonObject().put("Name", "backend"))), NOW);
    JsonObject network = events.derive(change("delete", "networks", "w1", null), NOW).get(0);
    assertThat(network.getString("Type")).isEqualTo("network");
    assertThat(network.getString("Action")).isEqualTo("remove");
    assertThat(network.getJsonObject("Actor").getJsonObject("Attributes").getString("name")).isEqualTo("backend");
  }

  @Test
  void tasksAndTheClusterMakeNoEvents() {
    SwarmEvents events = new SwarmEvents();
    assertThat(events.derive(change("create", "tasks", "t1", new JsonObject().put("ID", "t1")), NOW)).isEmpty();
    assertThat(events.derive(change("update", "cluster", "c1", new JsonObject().put("ID", "c1")), NOW)).isEmpty();
  }
}
