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
  /** Raft membership as the store sees it. Reply: {@code {"leaderId":"...","members":[{"id","address","leader"}]}}. */
  public static final String STORE_MEMBERS = "enxame.store.members";
  /** Published after every committed transaction: see {@link io.enxame.shared.store.ChangeEvent}. */
  public static final String STORE_CHANGES = "enxame.store.changes";

  /** The secrets service's transit key, which callers seal new data to. Reply: {@code {"publicKey": b64 P-256 point}}. */
  public static final String SECRETS_TRANSIT_KEY = "enxame.secrets.transit-key";
  /**
   * Creates a secret or a config. Body: {@code {"kind":"secrets"|"configs","spec":{Name,Labels,Driver,Templating},
   * "data": SealedBox to the transit key (associated data "kind/Name")}}. Reply: the stored object (sealed data
   * included: callers strip {@code Sealed}). Failures: 400 invalid name, size or driver, 409 duplicate name.
   */
  public static final String SECRETS_CREATE = "enxame.secrets.create";
  /**
   * Re-seals objects' data keys to a recipient's key. Body: {@code {"kind","ids":[...],"recipientKey": b64}}.
   * Reply: {@code {"items":[{"ID","Sealed":{"Data":{..},"Key": SealedBox}}]}}; unknown ids are left out.
   */
  public static final String SECRETS_RELEASE = "enxame.secrets.release";

  /**
   * Issues a node certificate from a CSR (the join path). Body: {@code {"csr": PEM, "token": join token,
   * "hostname", "advertiseAddr"}}; the role comes from the token and the node object is created with it. The control
   * plane's own certificates leave out the token and name {@code "nodeId"}, {@code "role"} ("worker"|"manager") and
   * optionally {@code "ips"} (IP SANs, for the gateway's TLS port).
   * Reply: {@code {"nodeId","role","cert": PEM,"ca": PEM}}. Failures: 400 bad CSR or token
   * ({@link io.enxame.shared.tls.JoinToken#INVALID_FOR_CLUSTER}), 503 no swarm yet.
   */
  public static final String SECRETS_ISSUE_NODE_CERT = "enxame.secrets.issue-node-cert";
}
