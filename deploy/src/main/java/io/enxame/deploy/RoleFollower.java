package io.enxame.deploy;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.files.FileTrees;
import io.enxame.shared.model.Json;
import io.enxame.shared.net.ManagersFile;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.ChangeEvent;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A manager's watch on its own role. When the store says its node is now a worker ({@code docker node demote}), the
 * manager hands its control plane over: the gateway, scheduler, secrets service and store of this process are
 * undeployed (the leader takes the store's member out of the Raft group: the scheduler's RoleReconciler), the state
 * only managers keep is erased from the data dir (the store and its keys, the secrets key, the gateway's certificate,
 * the client bundle), and the node's certificate is renewed, now with the worker role. The node-agent and the mesh
 * carry on: their sessions move to another manager, as when a manager goes away.
 *
 * <p>It also carries out {@code docker swarm leave --force} on this manager ({@link #leave}, asked by the node's
 * {@link PromotionFollower}, which serves {@link Addresses#NODE_LEAVE}): the member leaves the Raft group even if that
 * loses quorum (a last manager takes the swarm with it), then the node departs as any node does ({@link Departure}:
 * its task containers removed, the control plane and the node's services stopped, the swarm's state erased from the
 * data dir), and the process is told ({@code onLeft}: {@code enxame} then exits).
 */
final class RoleFollower extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RoleFollower.class);
  /** Time for the reply to the demotion (this very gateway may be answering it) to go out first. */
  static final long HANDOVER_DELAY_MS = 1_000;
  /** Tries, a second apart, at reading this node's stored role when the store has no leader yet at start. */
  private static final int STARTUP_CHECKS = 60;

  private final String nodeId;
  private final Path dataDir;
  private final List<String> controlPlane;
  private final Suite.Node node;
  private final Runnable onLeft;
  private final Promise<Void> steppedDown = Promise.promise();
  private MessageConsumer<JsonObject> changes;
  /** Stepping down or leaving: once only. Set from the node's PromotionFollower too (another event loop). */
  private final AtomicBoolean stepping = new AtomicBoolean();

  /**
   * @param controlPlane the control plane's deployment IDs, in the order they were deployed
   * @param node this node's own services (agent, mesh, certificate renewal)
   * @param onLeft told once the node has left the swarm
   */
  RoleFollower(String nodeId, Path dataDir, List<String> controlPlane, Suite.Node node, Runnable onLeft) {
    this.nodeId = nodeId;
    this.dataDir = dataDir;
    this.controlPlane = List.copyOf(controlPlane);
    this.node = node;
    this.onLeft = onLeft;
  }

  /** Completes once this manager has become a worker. */
  Future<Void> steppedDown() { return steppedDown.future(); }

  @Override
  public Future<?> start() {
    // Demoted while this process was down: no change will say so, the stored role does.
    checkStoredRole(STARTUP_CHECKS);
    changes = vertx.eventBus().consumer(Addresses.STORE_CHANGES, m -> {
      for (Object o : ChangeEvent.fromJson(m.body()).changes()) {
        JsonObject change = (JsonObject) o;
        if (Kind.NODES.wire().equals(change.getString("kind")) && nodeId.equals(change.getString("id"))
            && "worker".equals(Json.string(change.getJsonObject("object", new JsonObject()), "Spec.Role"))) {
          stepDown();
        }
      }
    });
    return Future.succeededFuture();
  }

  private void checkStoredRole(int triesLeft) {
    new StoreClient(vertx.eventBus()).get(Kind.NODES, nodeId).onComplete(ar -> {
      if (ar.succeeded()) {
        if ("worker".equals(Json.string(ar.result(), "Spec.Role"))) stepDown();
      } else if (triesLeft > 1 && !stepping.get()) {
        vertx.setTimer(1_000, t -> checkStoredRole(triesLeft - 1));
      }
    });
  }

  @Override
  public Future<?> stop() {
    return changes == null ? Future.succeededFuture() : changes.unregister();
  }

  /**
   * {@code docker swarm leave --force}: false when this manager is stepping down or leaving already. Otherwise, after a
   * moment for the answer to go out: out of the Raft group, then the node departs ({@link Departure}).
   */
  boolean leave() {
    if (!stepping.compareAndSet(false, true)) return false;
    vertx.setTimer(HANDOVER_DELAY_MS, t -> leaveNow());
    return true;
  }

  private void leaveNow() {
    LOG.info("node {} leaves the swarm", nodeId);
    StoreClient store = new StoreClient(vertx.eventBus());
    store.members()
        .compose(view -> view.getJsonArray("members").size() <= 1 ? Future.<Void>succeededFuture() : store.forceRemoveMember(nodeId))
        .recover(e -> {
          LOG.warn("node {}: its member could not be taken out of the Raft group: {}", nodeId, e.getMessage());
          return Future.succeededFuture();
        })
        .compose(v -> Departure.leave(vertx, nodeId, dataDir, node, controlPlane))
        .onComplete(ar -> onLeft.run());
  }

  private void stepDown() {
    if (!stepping.compareAndSet(false, true)) return;
    LOG.info("node {} was demoted: handing its control plane over, it carries on as a worker", nodeId);
    vertx.setTimer(HANDOVER_DELAY_MS, t -> Suite.undeploy(vertx, controlPlane)
        .compose(v -> vertx.executeBlocking(() -> {
          erase(dataDir);
          return null;
        }, false))
        .compose(v -> node.renewal().renewNow())
        .onSuccess(v -> LOG.info("node {} is a worker now: its certificate says so", nodeId))
        .onFailure(e -> LOG.warn("node {}: stepping down did not finish: {}", nodeId, e.getMessage()))
        .onComplete(steppedDown));
  }

  /** What only a manager keeps in its data dir; the node's identity, certificate and managers list stay. */
  static void erase(Path dataDir) throws IOException {
    FileTrees.delete(dataDir.resolve("raft"));
    FileTrees.delete(dataDir.resolve("keys"));
    FileTrees.delete(dataDir.resolve("secrets"));
    FileTrees.delete(dataDir.resolve(ControlPlaneCertificates.CLIENT_DIR));
    NodeTls gateway = ControlPlaneCertificates.gatewayFiles(dataDir);
    Files.deleteIfExists(Path.of(gateway.certPath()));
    Files.deleteIfExists(Path.of(gateway.keyPath()));
  }

  /** Everything of the swarm: what {@code enxame up} finds afterwards is a fresh data dir. */
  static void eraseSwarm(Path dataDir) throws IOException {
    erase(dataDir);
    FileTrees.delete(Path.of(NodeTls.inDataDir(dataDir).certPath()).getParent());
    Files.deleteIfExists(ManagersFile.in(dataDir));
    Files.deleteIfExists(NodeIdentity.file(dataDir));
  }

  /** Whether the data dir holds a manager's state (a store), as opposed to a worker's node identity only. */
  static boolean holdsManagerState(Path dataDir) {
    return Files.isDirectory(dataDir.resolve("raft")) || Files.isDirectory(dataDir.resolve("keys"));
  }
}
