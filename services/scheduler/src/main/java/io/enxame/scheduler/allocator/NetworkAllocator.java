package io.enxame.scheduler.allocator;

import io.enxame.shared.model.Kind;
import io.enxame.shared.model.NetworkRefs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * The part of swarmkit's network allocator Enxame needs: every new task carries the swarm networks its spec
 * attaches to, as {@code NetworksAttachments} holding each whole network object, so that the node that runs it
 * makes the network on its engine without asking anyone. Addresses are the engine's to assign; the agent reports
 * them and the dispatcher fills them in.
 */
public final class NetworkAllocator {
  private NetworkAllocator() {}

  /** A store operation with, if it creates a task on networks, the task's attachments added. */
  public static JsonObject allocate(JsonObject op, Function<String, JsonObject> networks) {
    if (!"create".equals(op.getString("op")) || !Kind.TASKS.wire().equals(op.getString("kind"))) return op;
    JsonObject task = op.getJsonObject("object");
    JsonArray attachments = new JsonArray();
    for (JsonObject config : NetworkRefs.configs(task.getJsonObject("Spec"))) {
      String id = config.getString("Target");
      JsonObject network = networks.apply(id);
      // The gateway refuses to remove a network a service uses, so it is there; should it not be, the agent
      // reports that it cannot find the network rather than running the task without it.
      JsonObject stored = network == null ? new JsonObject().put("ID", id) : network.copy();
      JsonObject attachment = new JsonObject().put("Network", stored).put("Addresses", new JsonArray());
      JsonArray aliases = config.getJsonArray("Aliases");
      if (aliases != null && !aliases.isEmpty()) attachment.put("Aliases", aliases.copy());
      attachments.add(attachment);
    }
    if (attachments.isEmpty()) return op;
    task.put("NetworksAttachments", attachments);
    return op;
  }

}
