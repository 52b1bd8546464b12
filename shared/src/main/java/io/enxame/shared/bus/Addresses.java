package io.enxame.shared.bus;

/**
 * Every event-bus address of the suite, in one place. Request/reply addresses carry JSON bodies
 * described on each constant; failures come back as {@link io.vertx.core.eventbus.ReplyException}
 * whose failure code is an HTTP status (see {@link Failures}). Event-bus clients reach only the few that
 * {@link BridgeAddresses} lists, through the gateway's TCP bridge.
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
   * "reachability":"reachable|unreachable|unknown"}]}}; a member's id is its node ID. A follower knows only its own
   * and the leader's reachability; with body {@code {"leader":true}} the leader's view is asked for (one round
   * trip), and the local one given when the leader cannot answer.
   */
  public static final String STORE_MEMBERS = "enxame.store.members";
  /** Whether this raft-manager's keys are locked (autolock, after a restart). Reply: {@code {"locked":bool}}. */
  public static final String STORE_STATUS = "enxame.store.status";
  /**
   * Unlocks a locked raft-manager. Body: {@code {"UnlockKey":"SWMKEY-1-..."}}. Reply: {@code {}}. Failures: 400
   * malformed key, 401 wrong key, 409 "swarm is not locked".
   */
  public static final String STORE_UNLOCK = "enxame.store.unlock";
  /**
   * What a new member needs to join the store's Raft group (asked by the dispatcher for a node holding a manager
   * certificate). Body: {@code {"publicKey": b64 P-256 point}}. Reply: {@code {"groupId","voters":[{"id","address"}],
   * "dek": SealedBox to publicKey}}. Failures: 400 not a public key, 503 locked or not serving.
   */
  public static final String STORE_JOIN_OFFER = "enxame.store.join-offer";
  /**
   * Removes a manager's member from the Raft group (a demotion). Body: {@code {"id": node ID}}. Refused with 400 and
   * swarmkit's wording when the members left that the leader hears from could not form a majority of the group as
   * it is now, 404 when it is not a member. With {@code "dryRun": true} only the checks are made; with {@code "force":
   * true} quorum is not checked ({@code docker swarm leave --force}). Reply: {@code {}}.
   */
  public static final String STORE_REMOVE_MEMBER = "enxame.store.remove-member";
  /**
   * This process's node leaves the swarm ({@code docker swarm leave}: a manager's with {@code --force}, a worker's
   * through its worker API), served locally by the process that assembled the node (the deploy module's
   * PromotionFollower). Body: {@code {}}. Reply: {@code {}} once the leaving has begun; it goes on after the reply; a
   * refusal (503) while the node changes role. No consumer: this process cannot leave.
   */
  public static final String NODE_LEAVE = "enxame.node.leave";
  /** Published after every committed transaction: see {@link io.enxame.shared.store.ChangeEvent}. */
  public static final String STORE_CHANGES = "enxame.store.changes";

  /**
   * Asks the scheduler for service/task logs (served by its dispatcher's log broker). Body:
   * {@code {"subscriptionId","services":[id],"tasks":[id],"follow":bool,"tail":N (-1 all),"sinceNanos":N,
   * "stdout":bool,"stderr":bool}}. Reply {@code {}} once the nodes were asked; the logs then arrive at
   * {@link #logStream(String)}.
   */
  public static final String LOGS_SUBSCRIBE = "enxame.logs.subscribe";
  /** Ends a log subscription (its reader went away). Body: {@code {"subscriptionId"}}. */
  public static final String LOGS_CANCEL = "enxame.logs.cancel";

  /**
   * Where a subscription's logs are delivered, as requests the reader replies to (empty) once it has taken
   * them: that reply is the flow control. Bodies: {@code {"lines":[{"task","service","node","stream":1|2,
   * "time":nanos,"data":bytes}]}}, and last, unless following, {@code {"end":true,"errors":["..."]}}.
   */
  public static String logStream(String subscriptionId) {
    return "enxame.logs.stream." + subscriptionId;
  }

  /**
   * A node's routing-mesh counters. Body: anything. Reply: {@code {"services":[{"id","name","connections",
   * "active","bytesIn","bytesOut","errors"}]}}.
   */
  public static String meshMetrics(String nodeId) { return "enxame.mesh." + nodeId + ".metrics"; }

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
   * Whether data equals an object's stored data (what {@code stack deploy} sends again on a redeploy: Swarm accepts
   * an update that leaves the data as it is). Body: {@code {"kind","id","data": SealedBox to the transit key
   * (associated data "kind/id")}}. Reply: {@code {"same": boolean}}. Failure: 404 no such object.
   */
  public static final String SECRETS_SAME_DATA = "enxame.secrets.same-data";
  /**
   * The secrets key sealed to a joining manager's key, so its secrets service opens what this one sealed. Body:
   * {@code {"publicKey": b64 P-256 point}}. Reply: {@code {"key": SealedBox}}. Failure: 400 not a public key.
   */
  public static final String SECRETS_KEY_OFFER = "enxame.secrets.key-offer";

  /**
   * Issues a node certificate from a CSR (the join path). Body: {@code {"csr": PEM, "token": join token,
   * "hostname", "advertiseAddr"}}; the role comes from the token and the node object is created with it. The control
   * plane's own certificates leave out the token and name {@code "nodeId"}, {@code "role"} ("worker"|"manager") and
   * optionally {@code "ips"} (IP SANs, for the gateway's TLS port).
   * Reply: {@code {"nodeId","role","cert": PEM,"ca": PEM}}. Failures: 400 bad CSR or token
   * ({@link io.enxame.shared.tls.JoinToken#INVALID_FOR_CLUSTER}), 503 no swarm yet.
   */
  public static final String SECRETS_ISSUE_NODE_CERT = "enxame.secrets.issue-node-cert";

  /**
   * {@code docker swarm ca --rotate} (a swarm update whose {@code Spec.CAConfig.ForceRotate} went up, or that gives a
   * root with {@code --ca-cert}/{@code --ca-key}): the secrets service makes a new root (or checks the given one as
   * swarmkit does), cross-signs it with the current one and writes, in one transaction demanding {@code version}, the
   * {@code cluster} object the gateway made (with the rotation's fields added) and the rotation's key, sealed, into the
   * {@code pki} object. Body: {@code {"cluster": cluster object, "version": n}}, plus for a given root
   * {@code "signingCert": PEM} and {@code "signingKey": SealedBox of the key's PEM to the transit key
   * ({@link #SECRETS_TRANSIT_KEY}), associated data "pki/<cluster ID>"}. A given root equal to the current one ends a
   * rotation under way; equal to the one being rotated to, it changes nothing but the cluster. Reply: {@code {}}.
   * Failures: 400 a given root refused (swarmkit's {@code InvalidArgument} wording), 409 out of sequence, 503 no root
   * CA yet.
   */
  public static final String SECRETS_ROTATE_ROOT = "enxame.secrets.rotate-root";

  /**
   * Local to a node's process: the dispatcher's {@code Trust} message, relayed by the node's agent to whatever keeps
   * the node's certificates. Body: {@code {"ca": PEM, "issuerSubject": b64, "issuerPublicKey": b64}}.
   */
  public static String nodeTrust(String nodeId) { return "enxame.node." + nodeId + ".trust"; }

  /**
   * Local to a node's process: the dispatcher's {@code NodeRole} message (the role the swarm gives the node), relayed
   * by the node's agent. Body: {@code {"role": "worker"|"manager"}}.
   */
  public static String nodeRole(String nodeId) { return "enxame.node." + nodeId + ".role"; }

  /** Local to a node's process: the node's files changed; body: Docker's {@code TLSInfo} JSON, which the agent reports. */
  public static String nodeTlsInfo(String nodeId) { return "enxame.node." + nodeId + ".tls-info"; }

  /**
   * Local to a manager's process: bring the control plane's own certificates (the gateway's, the client bundle) under
   * the trust in the body (as {@link #nodeTrust}); replies once they are. No consumer where no control plane runs.
   */
  public static final String CONTROL_PLANE_TRUST = "enxame.local.control-plane.trust";
}
