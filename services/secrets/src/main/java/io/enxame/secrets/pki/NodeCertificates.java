package io.enxame.secrets.pki;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Ids;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.store.StoreClient;
import io.enxame.shared.store.StoreOp;
import io.enxame.shared.tls.JoinToken;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link Addresses#SECRETS_ISSUE_NODE_CERT}: swarmkit's {@code IssueNodeCertificate}. A joining node's role is the
 * one whose current token it presents (a rotated-away token admits nobody); the CA draws the node ID, creates the
 * node object with that role and signs the CSR's key for {@code CAConfig.NodeCertExpiry}. During a root rotation the
 * new root signs, the certificate comes with the cross-signed one, and {@code "ca"} holds both roots.
 */
public final class NodeCertificates {
  static final long DEFAULT_EXPIRY_NANOS = 7_776_000_000_000_000L; // 90 days

  private final Vertx vertx;
  private final StoreClient store;
  private final CaKeeper keeper;
  private MessageConsumer<JsonObject> consumer;

  public NodeCertificates(Vertx vertx, StoreClient store, CaKeeper keeper) {
    this.vertx = vertx;
    this.store = store;
    this.keeper = keeper;
  }

  public void register() {
    consumer = vertx.eventBus().consumer(Addresses.SECRETS_ISSUE_NODE_CERT,
        msg -> issue(msg.body()).onSuccess(msg::reply).onFailure(e -> msg.fail(Failures.statusOf(e), e.getMessage())));
  }

  public void unregister() {
    if (consumer != null) consumer.unregister();
  }

  Future<JsonObject> issue(JsonObject request) {
    String csr = request.getString("csr");
    if (csr == null || csr.isBlank()) return Future.failedFuture(Failures.badRequest("missing certificate signing request"));
    return keeper.ca().compose(loaded -> store.list(Kind.CLUSTER).compose(clusters -> {
      JsonObject cluster = clusters.get(0);
      String token = request.getString("token");
      Optional<String> role = token == null ? trustedRole(request) : roleOf(cluster, token);
      if (role.isEmpty()) return Future.failedFuture(Failures.badRequest(token == null ? "a join token is required" : JoinToken.INVALID_FOR_CLUSTER));
      String nodeId = token == null ? request.getString("nodeId") : Ids.newId();
      long expiryNanos = Optional.ofNullable(Json.number(cluster, "Spec.CAConfig.NodeCertExpiry")).orElse(DEFAULT_EXPIRY_NANOS);
      List<String> ips = token == null ? request.getJsonArray("ips", new JsonArray()).stream().map(String::valueOf).toList() : List.of();
      return vertx.executeBlocking(() -> loaded.withChain(loaded.signer().issue(csr, nodeId, ou(role.get()), loaded.clusterId(),
              Duration.ofNanos(expiryNanos), Instant.now(), ips)))
          .recover(e -> Future.failedFuture(e instanceof IllegalArgumentException ? Failures.badRequest(e.getMessage()) : e))
          .compose(cert -> (token == null ? Future.succeededFuture() : createNode(nodeId, role.get(), request))
              .map(v -> new JsonObject().put("nodeId", nodeId).put("role", role.get()).put("cert", cert).put("ca", loaded.trust())));
    }));
  }

  /** The role of the cluster's current token equal to the one presented, compared in constant time. */
  static Optional<String> roleOf(JsonObject cluster, String token) {
    JsonObject tokens = Json.objectOrEmpty(cluster, "JoinTokens");
    if (same(tokens.getString("Manager"), token)) return Optional.of("manager");
    if (same(tokens.getString("Worker"), token)) return Optional.of("worker");
    return Optional.empty();
  }

  /**
   * The control plane's own certificates (no token): the bus is the trusted side, and it names the node, the role
   * and, for a TLS server reached by IP (the gateway), {@code "ips"}.
   */
  private static Optional<String> trustedRole(JsonObject request) {
    String role = request.getString("role");
    String nodeId = request.getString("nodeId");
    if (nodeId == null || nodeId.isBlank() || !("worker".equals(role) || "manager".equals(role))) return Optional.empty();
    return Optional.of(role);
  }

  public static String ou(String role) { return "manager".equals(role) ? NodeTls.MANAGER_OU : NodeTls.WORKER_OU; }

  private Future<Void> createNode(String nodeId, String role, JsonObject request) {
    JsonObject node = new JsonObject().put("ID", nodeId)
        .put("Spec", new JsonObject().put("Labels", new JsonObject()).put("Role", role).put("Availability", "active"))
        .put("Description", new JsonObject().put("Hostname", request.getString("hostname", ""))
            .put("Platform", new JsonObject()).put("Resources", new JsonObject()).put("Engine", new JsonObject()))
        .put("Status", new JsonObject().put("State", "unknown").put("Addr", request.getString("advertiseAddr", "")));
    return store.tx(StoreOp.create(Kind.NODES, node)).mapEmpty();
  }

  private static boolean same(String expected, String presented) {
    return expected != null && !expected.isEmpty() && java.security.MessageDigest.isEqual(
        expected.getBytes(java.nio.charset.StandardCharsets.UTF_8), presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
