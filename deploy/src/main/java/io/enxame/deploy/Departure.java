package io.enxame.deploy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * A node leaving the swarm ({@code docker swarm leave}), manager or worker: its agent closes its session (the managers
 * then mark the node down; it stays in their list until {@code docker node rm}) and removes the node's task
 * containers, files and engine networks; the process's API side (a manager's control plane, or a worker's Docker API)
 * and the node's own services are undeployed; the swarm's state is erased from the data dir. A manager's member has
 * left the Raft group before ({@link RoleFollower}).
 */
final class Departure {
  private static final Logger LOG = LoggerFactory.getLogger(Departure.class);

  private Departure() {}

  /** @param api the deployments that serve this node's Docker API: a manager's control plane, or a worker's API */
  static Future<Void> leave(Vertx vertx, String nodeId, Path dataDir, Suite.Node node, List<String> api) {
    // The agent first, so that it does not move its session to another manager when this one's goes.
    return node.agent().leaveSwarm()
        .recover(e -> {
          LOG.warn("node {}: its tasks could not all be removed: {}", nodeId, e.getMessage());
          return Future.succeededFuture();
        })
        .compose(v -> Suite.undeploy(vertx, api))
        .compose(v -> Suite.undeploy(vertx, node.deployments()))
        .compose(v -> vertx.executeBlocking(() -> {
          RoleFollower.eraseSwarm(dataDir);
          return null;
        }, false))
        .onSuccess(v -> LOG.info("node {} left the swarm", nodeId))
        .onFailure(e -> LOG.warn("node {}: leaving did not finish: {}", nodeId, e.getMessage()))
        .mapEmpty();
  }
}
