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
import java.util.regex.Pattern;

/**
 * {@link Addresses#SECRETS_ISSUE_NODE_CERT}: swarmkit's {@code IssueNodeCertificate}. A joining node's role is the
 * one whose current token it presents (a rotated-away token admits nobody); the CA draws the node ID, creates the
 * node object with that role and signs the CSR's key for {@code CAConfig.NodeCertExpiry}. During a root rotation the
 * new root signs, the certificate comes with the cross-signed one, and {@code "ca"} holds both roots. With
 * {@code "component"} (a control-plane service process, e.g. {@code enxame api-gateway}) only the manager token
 * admits, and the certificate names the component ({@link NodeTls#COMPONENT_PREFIX}) with no node object behind it;
 * it also gets a certificate for the clustered bus ({@code "busCert"}, {@code "busCa"}: {@link BusCa}). The bus's
 * trusted side asks for a bus certificate alone with {@code "bus": true} ({@code "cert"}, {@code "ca"} are then the
 * bus's).
 */
public final class NodeCertificates {
  static final long DEFAULT_EXPIRY_NANOS = 7_776_000_000_000_000L; // 90 days

  private final Vertx vertx;
  private final StoreClient store;
  private final CaKeeper keeper;
  private final BusCa busCa;
  private MessageConsumer<JsonObject> consumer;

  public NodeCertificates(Vertx vertx, StoreClient store, CaKeeper keeper) {
    this.vertx = vertx;
    this.store = store;
    this.keeper = keeper;
    this.busCa = new BusCa(vertx, store, keeper);
  }

  static final String COMPONENT_NEEDS_MANAGER_TOKEN = "a control-plane service joins with the manager join token";
  private static final Pattern COMPONENT_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");

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
      String component = request.getString("component", "");
      Optional<String> role = token == null ? trustedRole(request) : roleOf(cluster, token);
      if (role.isEmpty()) return Future.failedFuture(Failures.badRequest(token == null ? "a join token is required" : JoinToken.INVALID_FOR_CLUSTER));
      boolean joiningNode = token != null && component.isEmpty();
      if (!component.isEmpty()) {
        if (!COMPONENT_NAME.matcher(component).matches()) return Future.failedFuture(Failures.badRequest("invalid component name " + component));
        if (!"manager".equals(role.get())) return Future.failedFuture(Failures.badRequest(COMPONENT_NEEDS_MANAGER_TOKEN));
      }
      String nodeId = !component.isEmpty() ? NodeTls.COMPONENT_PREFIX + component + "-" + Ids.newId()
          : token == null ? request.getString("nodeId") : Ids.newId();
      long expiryNanos = Optional.ofNullable(Json.number(cluster, "Spec.CAConfig.NodeCertExpiry")).orElse(DEFAULT_EXPIRY_NANOS);
      // A joining node is reached by its ID, not by an IP; the control plane's own servers are (the gateway's TLS port).
      List<String> ips = joiningNode ? List.of() : request.getJsonArray("ips", new JsonArray()).stream().map(String::valueOf).toList();
      Duration validity = Duration.ofNanos(expiryNanos);
      // The bus's trusted side asks for a bus certificate alone; a control-plane process gets both (same key).
      boolean busOnly = token == null && request.getBoolean("bus", false);
      Future<RootCa> bus = busOnly || !component.isEmpty() ? busCa.ca() : Future.succeededFuture();
      return bus.compose(busCa -> vertx.executeBlocking(() -> {
            Instant now = Instant.now();
            JsonObject reply = new JsonObject().put("nodeId", nodeId).put("role", role.get());
            if (busCa != null) {
              String busCert = Pem.encode(busCa.issue(csr, nodeId, ou(role.get()), loaded.clusterId(), validity, now, List.of()));
              if (busOnly) return reply.put("cert", busCert).put("ca", busCa.certPem());
              reply.put("busCert", busCert).put("busCa", busCa.certPem());
            }
            return reply.put("cert", loaded.withChain(loaded.signer().issue(csr, nodeId, ou(role.get()), loaded.clusterId(),
                validity, now, ips))).put("ca", loaded.trust());
          }))
          .recover(e -> Future.failedFuture(e instanceof IllegalArgumentException ? Failures.badRequest(e.getMessage()) : e))
          .compose(reply -> (joiningNode ? createNode(nodeId, role.get(), request) : Future.<Void>succeededFuture()).map(reply));
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
