package io.enxame.gateway.swarm;

import io.enxame.gateway.http.Replies;
import io.enxame.gateway.http.Reply;
import io.enxame.gateway.http.Requests;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.store.UnlockKeys;
import io.enxame.shared.vault.VaultClient;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code /swarm}: inspect and update, and autolock ({@code /swarm/unlockkey}, {@code /swarm/unlock}).
 * The swarm is created by {@code enxame up}, not through this API. As swarmkit does, turning autolock on
 * (or rotating with {@code rotateManagerUnlockKey}) makes a new unlock key, kept in the cluster object;
 * turning it off drops the key. Every raft-manager rewraps its data key when it applies the change.
 */
public final class SwarmRoutes {
  public static final String ALREADY_IN_SWARM = "This node is already part of a swarm. Use \"docker swarm leave\" to leave"
      + " this swarm and join another one.";
  static final String INIT_BY_LAUNCHER = "This node is not part of a swarm yet, and Enxame does not create one through"
      + " the Docker API: run \"enxame up\" to initialise the swarm.";

  static final String CANNOT_LEAVE = "This Enxame process cannot leave the swarm: it does not run a whole node";

  private static final DeliveryOptions ROTATE = new DeliveryOptions().setSendTimeout(30_000);

  private final StoreClient store;
  private final EventBus bus;
  private final ClusterReader clusters;
  private final VaultClient vault;

  public SwarmRoutes(StoreClient store, EventBus bus) {
    this.store = store;
    this.bus = bus;
    this.clusters = new ClusterReader(store);
    this.vault = new VaultClient(bus);
  }

  public void mount(Router router) {
    router.get("/swarm").handler(Replies.of(this::inspect));
    router.post("/swarm/init").handler(Replies.of(this::init));
    router.post("/swarm/join").handler(Replies.of(this::init));
    router.post("/swarm/update").handler(Replies.of(this::update));
    router.get("/swarm/unlockkey").handler(Replies.of(this::unlockKey));
    router.post("/swarm/unlock").handler(Replies.of(this::unlock));
    router.post("/swarm/leave").handler(Replies.of(this::leave));
  }

  /**
   * Every node with a gateway is a manager, so without {@code force} leaving is refused as moby refuses it, with
   * its count of reachable and unreachable managers from the live Raft state. With it, the process that runs this
   * node leaves ({@code Addresses.NODE_LEAVE}): the answer goes out first.
   */
  private Future<Reply> leave(RoutingContext ctx) {
    if (!Requests.bool(ctx, "force")) {
      return store.members().compose(view -> Future.failedFuture(Failures.unavailable(LeaveRefusal.of(view))));
    }
    return leaveThisNode(ctx.vertx().eventBus());
  }

  /**
   * Asks this process to take its node out of the swarm ({@link Addresses#NODE_LEAVE}): answered once the leaving has
   * begun, which goes on after the answer. A refusal comes back with its own status and words; nobody to ask means
   * the process does not run a whole node.
   */
  public static Future<Reply> leaveThisNode(EventBus bus) {
    return bus.request(Addresses.NODE_LEAVE, new JsonObject())
        .<Reply>map(m -> Reply.empty(200))
        .recover(e -> Future.failedFuture(e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE ? e
            : Failures.unavailable(CANNOT_LEAVE + " (" + e.getMessage() + ")")));
  }

  private Future<Reply> inspect(RoutingContext ctx) {
    return existing().map(c -> Reply.ok(ClusterReader.forClients(c)));
  }

  private Future<Reply> init(RoutingContext ctx) {
    return clusters.cluster().compose(c -> Future.failedFuture(Failures.unavailable(c.isPresent() ? ALREADY_IN_SWARM : INIT_BY_LAUNCHER)));
  }

  /**
   * The CLI sends the whole Spec back with the version it read, and says which tokens to rotate. A raised
   * {@code CAConfig.ForceRotate} ({@code docker swarm ca --rotate}) or a given root ({@code --ca-cert}/{@code --ca-key},
   * which the CLI sends without raising it) hands the write to the secrets service, which adds the new root's rotation
   * to it in the same transaction; the given key goes there sealed to its transit key.
   */
  private Future<Reply> update(RoutingContext ctx) {
    long version = Requests.version(ctx, "swarm");
    JsonObject spec = Requests.jsonBody(ctx).copy();
    boolean rotateWorker = Requests.bool(ctx, "rotateWorkerToken");
    boolean rotateManager = Requests.bool(ctx, "rotateManagerToken");
    boolean rotateUnlockKey = Requests.bool(ctx, "rotateManagerUnlockKey");
    return existing().compose(cluster -> {
      if (Json.version(cluster) != version) return Future.failedFuture(Failures.conflict("update out of sequence"));
      Optional<SigningRoot> given = SigningRoot.take(spec);
      JsonObject next = cluster.copy().put("Spec", SwarmSpecs.merge(spec, cluster.getJsonObject("Spec")));
      JsonObject tokens = Json.objectOrEmpty(cluster, "JoinTokens").copy();
      if (rotateWorker) tokens.put("Worker", JoinTokens.rotate(tokens.getString("Worker")));
      if (rotateManager) tokens.put("Manager", JoinTokens.rotate(tokens.getString("Manager")));
      next.put("JoinTokens", tokens);
      if (!Boolean.TRUE.equals(Json.at(next, "Spec.EncryptionConfig.AutoLockManagers"))) next.remove(UnlockKeys.FIELD);
      else if (rotateUnlockKey || next.getString(UnlockKeys.FIELD) == null) next.put(UnlockKeys.FIELD, UnlockKeys.generate());
      JsonObject rotation = new JsonObject().put("cluster", next).put("version", version);
      if (given.isPresent()) {
        SigningRoot root = given.get();
        return vault.sealForTransit(root.key().getBytes(StandardCharsets.UTF_8), Kind.PKI.wire() + "/" + cluster.getString("ID"))
            .compose(key -> bus.request(Addresses.SECRETS_ROTATE_ROOT, rotation.put("signingCert", root.cert()).put("signingKey", key), ROTATE))
            .<Void>mapEmpty();
      }
      if (!SwarmSpecs.forcesRootRotation(cluster.getJsonObject("Spec"), next.getJsonObject("Spec"))) {
        return store.tx(StoreOp.update(Kind.CLUSTER, next, version)).<Void>mapEmpty();
      }
      // docker swarm ca --rotate: the secrets service writes the update with the new root's rotation.
      return bus.request(Addresses.SECRETS_ROTATE_ROOT, rotation, ROTATE).<Void>mapEmpty();
    }).map(tx -> Reply.empty(200));
  }

  /** The CLI prints "no unlock key is set" for an empty key. */
  private Future<Reply> unlockKey(RoutingContext ctx) {
    return existing().map(c -> Reply.ok(new JsonObject().put("UnlockKey", c.getString(UnlockKeys.FIELD, ""))));
  }

  private Future<Reply> unlock(RoutingContext ctx) {
    return store.unlock(Requests.jsonBody(ctx).getString("UnlockKey", "")).map(v -> Reply.empty(200));
  }

  private Future<JsonObject> existing() {
    return clusters.cluster().compose(c -> c.<Future<JsonObject>>map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(Failures.unavailable(ClusterReader.NOT_A_MANAGER))));
  }
}
