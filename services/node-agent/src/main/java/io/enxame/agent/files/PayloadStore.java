package io.enxame.agent.files;

import io.enxame.shared.crypto.Released;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.dispatcher.Assignments;
import io.enxame.shared.dispatcher.Payload;
import io.enxame.shared.dispatcher.Payloads;
import io.enxame.shared.model.FileRefs;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The secrets and configs the dispatcher delivered to this node, kept sealed in memory (the data under its
 * data key, the data key sealed to this agent's session key pair, whose private half exists only here).
 * A task waits for the objects it uses, since they may arrive just after its assignment. Event loop only.
 */
public final class PayloadStore {
  private static final Logger LOG = LoggerFactory.getLogger(PayloadStore.class);

  private final Vertx vertx;
  private final String nodeId;
  private final SealedBox.KeyPair sessionKey = SealedBox.generate();
  private final Map<String, JsonObject> sealed = new HashMap<>();
  private final Map<String, List<Promise<JsonObject>>> waiting = new HashMap<>();
  private final long waitMillis;

  public PayloadStore(Vertx vertx, String nodeId, long waitMillis) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.waitMillis = waitMillis;
  }

  /** What the agent sends in its Hello. */
  public byte[] publicKey() { return sessionKey.publicKey(); }

  /** kind/id of every object this node has received (no data). */
  public Set<String> received() { return new TreeSet<>(sealed.keySet()); }

  public void accept(Payloads payloads) {
    for (Payload p : payloads.getItemsList()) {
      String key = p.getKind() + "/" + p.getId();
      JsonObject item = new JsonObject(p.getSealedJson());
      sealed.put(key, item);
      List<Promise<JsonObject>> waiters = waiting.remove(key);
      if (waiters != null) waiters.forEach(w -> w.tryComplete(item));
    }
    LOG.info("node {}: received {} sealed secret/config payload(s)", nodeId, payloads.getItemsCount());
  }

  /**
   * With a full assignment set in hand, drops what none of its tasks uses (a rotated-out secret, a task moved
   * away). The dispatcher re-sends, on each new session, whatever the tasks still use.
   */
  public void retainUsedBy(Assignments full) {
    Set<String> used = new HashSet<>();
    for (String json : full.getTasksJsonList()) {
      FileRefs.of(Json.object(new JsonObject(json), "Spec.ContainerSpec")).forEach(r -> used.add(r.kind().wire() + "/" + r.id()));
    }
    sealed.keySet().retainAll(used);
  }

  /** The plaintext of one object (off the event loop); fails if it is not delivered in time or does not open. */
  public Future<byte[]> open(Kind kind, String id) {
    return delivered(kind, id).compose(item -> vertx.executeBlocking(() -> Released.open(sessionKey, kind.wire(), id, item), false));
  }

  private Future<JsonObject> delivered(Kind kind, String id) {
    String key = kind.wire() + "/" + id;
    JsonObject item = sealed.get(key);
    if (item != null) return Future.succeededFuture(item);
    Promise<JsonObject> promise = Promise.promise();
    waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(promise);
    vertx.setTimer(waitMillis, t -> {
      List<Promise<JsonObject>> waiters = waiting.get(key);
      if (waiters != null) waiters.remove(promise);
      promise.tryFail(kind.singular() + " " + id + " was not delivered to this node");
    });
    return promise.future();
  }
}
