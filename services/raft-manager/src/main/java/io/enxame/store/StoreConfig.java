package io.enxame.store;

import io.enxame.shared.tls.NodeTls;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Optional;

/**
 * raft-manager settings, read once from the verticle config.
 * {@code initSwarm}: on a store that holds no cluster yet, create it with this node as its first manager.
 * {@code snapshotThreshold}: log entries between automatic snapshots (the log is purged up to each).
 * {@code logSegmentBytes}: size at which a log segment is closed (only closed segments are purged).
 * {@code join}: what an existing member offered ({@link JoinOffer#open}); a fresh data dir then joins that group
 * (a data dir that already holds keys restarts as the member it was, and ignores it).
 * {@code tls}: the node's certificate files ({@link NodeTls#toConfig}); Raft traffic is then mutual TLS
 * ({@link RaftTls}). Without it (in-process tests of other modules) Raft runs in the clear.
 */
record StoreConfig(String nodeId, Path dataDir, String raftHost, int raftPort, boolean initSwarm,
                   String advertiseAddr, int dispatcherPort, String hostname, long snapshotThreshold, long logSegmentBytes, JsonObject join,
                   Optional<NodeTls> tls) {

  static StoreConfig fromJson(JsonObject c) {
    return new StoreConfig(
        c.getString("nodeId"),
        Path.of(c.getString("dataDir")),
        c.getString("raftHost", "127.0.0.1"),
        c.getInteger("raftPort", 2378),
        c.getBoolean("initSwarm", true),
        c.getString("advertiseAddr", "127.0.0.1"),
        c.getInteger("dispatcherPort", 2377),
        c.getString("hostname", "localhost"),
        c.getLong("snapshotThreshold", 10_000L),
        c.getLong("logSegmentBytes", 4L << 20),
        c.getJsonObject("join"),
        NodeTls.fromConfig(c.getJsonObject("tls")));
  }
}
