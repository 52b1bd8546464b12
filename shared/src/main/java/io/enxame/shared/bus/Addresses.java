package io.enxame.shared.bus;

/**
 * Every event-bus address of the suite, in one place. Request/reply addresses carry JSON bodies
 * described on each constant; failures come back as {@link io.vertx.core.eventbus.ReplyException}
 * whose failure code is an HTTP status (see {@link Failures}).
 */
public final class Addresses {
  private Addresses() {}

  /** Store transaction. Body: {@code {"ops":[StoreOp...]}}. Reply: {@code {"index":N,"objects":[...]}}. */
  public static final String STORE_TX = "enxame.store.tx";
  /** Linearizable read of one object. Body: {@code {"kind":"services","id":"..."}}. Reply: the object. */
  public static final String STORE_GET = "enxame.store.get";
  /** Linearizable read of a whole kind. Body: {@code {"kind":"tasks"}}. Reply: {@code {"index":N,"items":[...]}}. */
  public static final String STORE_LIST = "enxame.store.list";
  /** Consistent snapshot of several kinds at one index. Body: {@code {"kinds":[...]}}. Reply: {@code {"index":N,"kinds":{kind:[...]}}}. */
  public static final String STORE_SNAPSHOT = "enxame.store.snapshot";
  /**
   * Raft membership as the answering member sees it (no network round trip, so it answers without quorum).
   * Reply: {@code {"leaderId":"...","members":[{"id","address","leader":bool,"voter":bool,
   * "reachability":"reachable|unreachable|unknown"}]}}; a member's id is its node ID.
   */
  public static final String STORE_MEMBERS = "enxame.store.members";
  /** Whether this raft-manager's keys are locked (autolock, after a restart). Reply: {@code {"locked":bool}}. */
  public static final String STORE_STATUS = "enxame.store.status";
  /**
   * Unlocks a locked raft-manager. Body: {@code {"UnlockKey":"SWMKEY-1-..."}}. Reply: {@code {}}. Failures: 400
   * malformed key, 401 wrong key, 409 "swarm is not locked".
   */
  public static final String STORE_UNLOCK = "enxame.store.unlock";
  /** Published after every committed transaction: see {@link io.enxame.shared.store.ChangeEvent}. */
  public static final String STORE_CHANGES = "enxame.store.changes";

  /**
   * A node's routing-mesh counters. Body: anything. Reply: {@code {"services":[{"id","name","connections",
   * "active","bytesIn","bytesOut","errors"}]}}.
   */
  public static String meshMetrics(String nodeId) { return "enxame.mesh." + nodeId + ".metrics"; }
}
