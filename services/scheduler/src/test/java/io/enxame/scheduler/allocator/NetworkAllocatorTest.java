package io.enxame.scheduler.allocator;

import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreOp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkAllocatorTest {
  private static final JsonObject NET = new JsonObject().put("ID", "net1").put("Spec", new JsonObject().put("Name", "front"));

  @Test
  void aNewTaskCarriesEveryNetworkItsSpecAttachesTo() {
    JsonObject task = new JsonObject().put("ID", "t1").put("Spec", new JsonObject().put("Networks", new JsonArray()
        .add(new JsonObject().put("Target", "net1").put("Aliases", new JsonArray().add("web")))
        .add(new JsonObject().put("Target", "gone"))));
    JsonObject op = NetworkAllocator.allocate(StoreOp.create(Kind.TASKS, task), Map.of("net1", NET)::get);

    JsonArray attachments = op.getJsonObject("object").getJsonArray("NetworksAttachments");
    assertThat(attachments).hasSize(2);
    assertThat(attachments.getJsonObject(0)).isEqualTo(new JsonObject().put("Network", NET).put("Addresses", new JsonArray())
        .put("Aliases", new JsonArray().add("web")));
    // A network that vanished is still named, so that the agent says which one it cannot find.
    assertThat(attachments.getJsonObject(1).getJsonObject("Network")).isEqualTo(new JsonObject().put("ID", "gone"));
  }

  @Test
  void otherOperationsAndTasksWithoutNetworksAreLeftAlone() {
    JsonObject plain = StoreOp.create(Kind.TASKS, new JsonObject().put("ID", "t2").put("Spec", new JsonObject()));
    assertThat(NetworkAllocator.allocate(plain.copy(), id -> NET)).isEqualTo(plain);
    JsonObject merge = StoreOp.merge(Kind.TASKS, "t2", new JsonObject().put("Spec", new JsonObject().put("Networks",
        new JsonArray().add(new JsonObject().put("Target", "net1")))));
    assertThat(NetworkAllocator.allocate(merge.copy(), id -> NET)).isEqualTo(merge);
  }
}
