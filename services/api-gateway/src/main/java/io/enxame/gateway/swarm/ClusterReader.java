package io.enxame.gateway.swarm;

import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.UnlockKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/** The cluster object: the store holds at most one, and its presence means the swarm is initialised. */
public final class ClusterReader {
  public static final String NOT_A_MANAGER = "This node is not a swarm manager. Use \"docker swarm init\" or"
      + " \"docker swarm join\" to connect this node to swarm and try again.";

  private final StoreClient store;

  public ClusterReader(StoreClient store) { this.store = store; }

  public Future<Optional<JsonObject>> cluster() {
    return store.list(Kind.CLUSTER).map(ClusterReader::single);
  }

  public static Optional<JsonObject> single(List<JsonObject> clusters) {
    return clusters.isEmpty() ? Optional.empty() : Optional.of(clusters.get(0));
  }

  /** What {@code GET /swarm} shows: everything but the manager unlock key, which only {@code GET /swarm/unlockkey} gives. */
  public static JsonObject forClients(JsonObject cluster) {
    JsonObject c = cluster.copy();
    c.remove(UnlockKeys.FIELD);
    return c;
  }

  /** {@code GET /swarm} without the secrets: what {@code /info} shows as Swarm.Cluster. */
  public static JsonObject withoutJoinTokens(JsonObject cluster) {
    JsonObject c = forClients(cluster);
    c.remove("JoinTokens");
    return c;
  }
}
