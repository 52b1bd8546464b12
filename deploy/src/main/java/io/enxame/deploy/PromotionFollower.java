package io.enxame.deploy;

import io.enxame.gateway.worker.WorkerApiVerticle;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.net.ManagersFile;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * A node's watch on the role the swarm gives it, whatever it runs now. Told "manager" ({@code docker node promote},
 * relayed by the agent from the dispatcher: {@link Addresses#nodeRole}) while this process runs no control plane, it
 * renews the node's certificate (the dispatcher issues it with the manager role now), asks a manager for the swarm's
 * keys with it, and starts a manager's control plane whose store joins the Raft group — what {@code enxame join} with
 * a manager token does, at run time. The control plane it runs, from the start or after a promotion, is watched by a
 * {@link RoleFollower}, which hands it over again on a demotion.
 *
 * <p>While no control plane runs, it serves the worker's Docker API ({@link WorkerApiVerticle}) on the node's plaintext
 * port. That port has one holder at a time: the worker's API is undeployed (its server closed) before a promotion
 * deploys the gateway on it, and deployed again only once a demotion has undeployed the gateway, or a promotion that
 * failed has undeployed whatever it had started (a second server on the same address and port in one Vert.x instance
 * would not fail: Vert.x would share the port and take turns). Promotions, demotions and leaving are serialised here.
 * A worker's API that cannot bind its port (another process holds it) is reported and left out: the node carries on.
 *
 * <p>It serves {@link Addresses#NODE_LEAVE} ({@code docker swarm leave}): a manager's {@link RoleFollower} leaves the
 * Raft group first; a worker, once the answer is out, just departs ({@link Departure}). Either way {@code onLeft} is
 * told at the end ({@code enxame} exits).
 */
final class PromotionFollower extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionFollower.class);
  /** A promotion that failed (no manager answered, say) is tried again while the swarm still says manager. */
  private static final long RETRY_MS = 5_000;
  /** moby's errNoSwarm (daemon/cluster/errors.go). */
  static final String NOT_IN_SWARM = "This node is not part of a swarm";
  static final String CHANGING_ROLE = "This node is changing its role in the swarm: try again in a moment";

  private final NodeIdentity id;
  private final Suite.Node node;
  private final Runnable onLeft;
  private final Suite.Manager initial;
  /** The node's ports; the plaintext one is pinned to the port first bound (when it was 0, the OS chose it). */
  private UpOptions options;
  private RoleFollower follower;
  private String roleFollower;
  private String workerApi;
  private boolean promoting;
  private boolean leaving;
  private String wanted = "";

  /** @param initial the control plane this process started with, or null on a worker */
  PromotionFollower(NodeIdentity id, UpOptions options, Suite.Node node, Suite.Manager initial, Runnable onLeft) {
    this.id = id;
    this.options = options;
    this.node = node;
    this.initial = initial;
    this.onLeft = onLeft;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<JsonObject>localConsumer(Addresses.NODE_LEAVE, this::leave);
    return (initial == null ? serveWorkerApi() : managing(initial)).onSuccess(v -> {
      vertx.eventBus().<JsonObject>localConsumer(Addresses.nodeRole(id.nodeId()), m -> wanted(m.body().getString("role", "")));
      // What the agent heard before this was listening (a worker promoted while its process was down).
      wanted(node.agent().role());
    });
  }

  private void wanted(String role) {
    wanted = role;
    if ("manager".equals(wanted)) promote();
  }

  /** This process runs {@code manager}'s control plane: a {@link RoleFollower} watches it from now on. */
  private Future<Void> managing(Suite.Manager manager) {
    options = options.withGatewayPort(manager.gatewayPort());
    RoleFollower f = new RoleFollower(id.nodeId(), options.dataDir(), manager.deployments(), node, onLeft);
    return vertx.deployVerticle(f).map(deployment -> {
      follower = f;
      roleFollower = deployment;
      // Stepped down: the control plane, its gateway with it, is undeployed by then. Back on this verticle's event loop.
      f.steppedDown().onComplete(ar -> context.runOnContext(x -> vertx.undeploy(deployment).onComplete(v -> {
        if (deployment.equals(roleFollower)) {
          roleFollower = null;
          follower = null;
        }
        serveWorkerApi().onComplete(w -> {
          if ("manager".equals(wanted)) promote(); // promoted again while it stepped down
        });
      })));
      return null;
    });
  }

  private void promote() {
    if (roleFollower != null || promoting || leaving) return;
    promoting = true;
    LOG.info("node {} was promoted: it starts a manager's control plane", id.nodeId());
    // Bound to this verticle's context: every step below runs on its event loop, as the state it changes is its own.
    Future.fromCompletionStage(node.renewal().renewNow().toCompletionStage(), context)
        .compose(v -> vertx.executeBlocking(() -> NodeJoin.role(options.dataDir())))
        .compose(role -> "manager".equals(role) ? ManagersFile.read(vertx, ManagersFile.in(options.dataDir()))
            : Future.failedFuture(new IllegalStateException("the renewed certificate still says " + role)))
        .compose(managers -> keysFrom(managers, 0))
        // The gateway takes the plaintext port once the worker's API has let it go; a control plane that fails to
        // start undeploys itself (Suite.manager), and one that started but cannot be watched is undeployed here.
        .compose(keys -> stopWorkerApi().compose(v -> Suite.manager(vertx, options, id, keys)))
        .compose(m -> managing(m).recover(e -> Suite.undeploy(vertx, m.deployments()).transform(v -> Future.<Void>failedFuture(e))))
        .onComplete(ar -> {
          promoting = false;
          if (ar.succeeded()) {
            LOG.info("node {} is a manager now", id.nodeId());
            return;
          }
          LOG.warn("node {}: the promotion did not finish ({}); trying again in {} ms", id.nodeId(), ar.cause().getMessage(), RETRY_MS);
          serveWorkerApi();
          vertx.setTimer(RETRY_MS, t -> {
            if ("manager".equals(wanted)) promote();
          });
        });
  }

  private Future<NodeJoin.ManagerKeys> keysFrom(List<SocketAddress> managers, int i) {
    if (i >= managers.size()) return Future.failedFuture(new IllegalStateException("no manager gave the swarm's keys"));
    return NodeJoin.managerKeys(vertx, options.dataDir(), managers.get(i)).recover(e -> keysFrom(managers, i + 1));
  }

  /** The worker's Docker API on the node's plaintext port, unless it runs already or the node is leaving. */
  private Future<Void> serveWorkerApi() {
    if (workerApi != null || roleFollower != null || leaving) return Future.succeededFuture();
    WorkerApiVerticle api = new WorkerApiVerticle(new WorkerView(vertx, id.nodeId(), options.advertiseAddr(), node.agent(),
        ManagersFile.in(options.dataDir())));
    JsonObject config = new JsonObject().put("host", options.advertiseAddr()).put("port", options.gatewayPort());
    return vertx.deployVerticle(api, new DeploymentOptions().setConfig(config))
        .onSuccess(deployment -> {
          workerApi = deployment;
          options = options.withGatewayPort(api.actualPort());
          LOG.info("node {}: a worker's Docker API on tcp://{}:{} (docker info, docker swarm leave)", id.nodeId(), api.host(), api.actualPort());
        })
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("node {}: no worker's Docker API on port {}: {}", id.nodeId(), options.gatewayPort(), e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> stopWorkerApi() { return Suite.undeploy(vertx, takeWorkerApi()); }

  /** The worker's API deployment, if any, for the caller to undeploy: this verticle no longer counts it as serving. */
  private List<String> takeWorkerApi() {
    List<String> api = workerApi == null ? List.of() : List.of(workerApi);
    workerApi = null;
    return api;
  }

  /** {@code docker swarm leave}: answered at once; the node leaves after the answer has gone out. */
  private void leave(Message<JsonObject> m) {
    if (leaving) {
      m.fail(Failures.UNAVAILABLE, NOT_IN_SWARM);
      return;
    }
    if (promoting || (follower != null && !follower.leave())) {
      m.fail(Failures.UNAVAILABLE, CHANGING_ROLE);
      return;
    }
    leaving = true;
    m.reply(new JsonObject());
    if (follower != null) return; // a manager: its RoleFollower leaves the Raft group, then departs
    LOG.info("node {} leaves the swarm", id.nodeId());
    List<String> api = takeWorkerApi();
    vertx.setTimer(RoleFollower.HANDOVER_DELAY_MS, t -> Departure.leave(vertx, id.nodeId(), options.dataDir(), node, api)
        .onComplete(ar -> onLeft.run()));
  }
}
