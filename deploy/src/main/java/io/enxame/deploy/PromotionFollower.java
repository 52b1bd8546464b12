package io.enxame.deploy;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.net.ManagersFile;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
 */
final class PromotionFollower extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionFollower.class);
  /** A promotion that failed (no manager answered, say) is tried again while the swarm still says manager. */
  private static final long RETRY_MS = 5_000;

  private final NodeIdentity id;
  private final UpOptions options;
  private final Suite.Node node;
  private final Runnable onLeft;
  private String roleFollower;
  private boolean promoting;
  private String wanted = "";

  private final Suite.Manager initial;

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
    return (initial == null ? Future.<Void>succeededFuture() : managing(initial)).onSuccess(v -> {
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
  Future<Void> managing(Suite.Manager manager) {
    RoleFollower follower = new RoleFollower(id.nodeId(), options.dataDir(), manager.deployments(), node, onLeft);
    return vertx.deployVerticle(follower).map(deployment -> {
      roleFollower = deployment;
      follower.steppedDown().onComplete(ar -> vertx.undeploy(deployment).onComplete(v -> {
        if (deployment.equals(roleFollower)) roleFollower = null;
        if ("manager".equals(wanted)) promote(); // promoted again while it stepped down
      }));
      return null;
    });
  }

  private void promote() {
    if (roleFollower != null || promoting) return;
    promoting = true;
    LOG.info("node {} was promoted: it starts a manager's control plane", id.nodeId());
    node.renewal().renewNow()
        .compose(v -> vertx.executeBlocking(() -> NodeJoin.role(options.dataDir())))
        .compose(role -> "manager".equals(role) ? ManagersFile.read(vertx, ManagersFile.in(options.dataDir()))
            : Future.failedFuture(new IllegalStateException("the renewed certificate still says " + role)))
        .compose(managers -> keysFrom(managers, 0))
        .compose(keys -> Suite.manager(vertx, options, id, keys))
        .compose(this::managing)
        .onComplete(ar -> {
          promoting = false;
          if (ar.succeeded()) {
            LOG.info("node {} is a manager now", id.nodeId());
          } else {
            LOG.warn("node {}: the promotion did not finish ({}); trying again in {} ms", id.nodeId(), ar.cause().getMessage(), RETRY_MS);
            vertx.setTimer(RETRY_MS, t -> {
              if ("manager".equals(wanted)) promote();
            });
          }
        });
  }

  private Future<NodeJoin.ManagerKeys> keysFrom(List<SocketAddress> managers, int i) {
    if (i >= managers.size()) return Future.failedFuture(new IllegalStateException("no manager gave the swarm's keys"));
    return NodeJoin.managerKeys(vertx, options.dataDir(), managers.get(i)).recover(e -> keysFrom(managers, i + 1));
  }
}
