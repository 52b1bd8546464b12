package io.enxame.scheduler.dispatcher;

import io.enxame.shared.dispatcher.Payload;
import io.enxame.shared.dispatcher.Payloads;
import io.enxame.shared.model.FileRefs;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.model.TaskState;
import io.enxame.shared.model.Tasks;
import io.enxame.shared.vault.VaultClient;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Sends a node the secrets and configs its live tasks use, once per session: the secrets service re-seals
 * each object's data key to the node's session key, so what passes through here (and the bus) is ciphertext
 * the dispatcher cannot open. A node that runs no task using an object never receives it.
 */
final class PayloadDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(PayloadDelivery.class);

  private final VaultClient vault;

  PayloadDelivery(VaultClient vault) { this.vault = vault; }

  void deliver(NodeSession session, Iterable<JsonObject> tasks) {
    byte[] key = session.publicKey();
    if (key == null || session.isClosed()) return;
    for (Kind kind : new Kind[] {Kind.SECRETS, Kind.CONFIGS}) {
      Set<String> wanted = new LinkedHashSet<>();
      for (JsonObject task : tasks) {
        if (live(task)) wanted.addAll(FileRefs.ids(kind, Json.object(task, "Spec.ContainerSpec")));
      }
      Set<String> missing = session.undelivered(kind, wanted);
      if (missing.isEmpty()) continue;
      vault.release(kind, missing, key).onSuccess(released -> {
        Payloads.Builder b = Payloads.newBuilder();
        released.forEach((id, sealed) -> b.addItems(Payload.newBuilder().setKind(kind.wire()).setId(id).setSealedJson(sealed.encode())));
        session.sendPayloads(b.build());
      }).onFailure(e -> {
        LOG.warn("could not release {} {} for node {}: {}", kind.wire(), missing, session.nodeId(), e.getMessage());
        session.forget(kind, missing); // the next assignment change tries again
      });
    }
  }

  /** A task the node may still start: desired to run (or complete, for jobs) and not ended. */
  private static boolean live(JsonObject task) {
    return Tasks.desired(task).rank() <= TaskState.COMPLETE.rank() && !Tasks.observed(task).isTerminal();
  }
}
