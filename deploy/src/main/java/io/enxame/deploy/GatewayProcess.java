package io.enxame.deploy;

import io.enxame.gateway.GatewayConfig;
import io.enxame.gateway.GatewayVerticle;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.dispatcher.IssueNodeCertificateRequest;
import io.enxame.shared.files.AtomicFiles;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code enxame api-gateway}: one more stateless Docker API gateway for a manager, in its own process on the
 * manager's clustered bus ({@link ClusteredBus}). Its identity is a control-plane certificate
 * ({@link NodeTls#COMPONENT_PREFIX}) that the swarm's CA signs for the manager join token on the first start, with
 * a certificate for the same key from the bus CA ({@link NodeTls#busInDataDir}); it
 * serves as part of the manager that answered (its node ID is the one {@code docker info} shows), and its certificate
 * is renewed through the bus as the manager's own gateway's is.
 */
final class GatewayProcess {
  static final String COMPONENT = "api-gateway";
  private static final String FILE = "gateway.json";
  private static final DeliveryOptions PROBE = new DeliveryOptions().setSendTimeout(10_000);

  /** A running gateway process: its Vert.x (clustered), who it is, and where it listens. */
  record Started(Vertx vertx, String componentId, String managerNodeId, String host, int port, int tlsPort) {}

  /** What the first start received, kept in the data dir beside the certificate. */
  private record Identity(String componentId, String managerNodeId) {}

  private GatewayProcess() {}

  /** Blocking until the identity is there (a first start asks the manager for it), then starting. */
  static Future<Started> start(GatewayOptions o) {
    NodeTls tls = NodeTls.inDataDir(o.dataDir());
    List<String> ips = o.advertiseAddr().equals("127.0.0.1") ? List.of("127.0.0.1") : List.of(o.advertiseAddr(), "127.0.0.1");
    Identity id;
    try {
      id = identity(o, ips);
    } catch (Exception e) {
      return Future.failedFuture(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
    }
    return ClusteredBus.start(o.advertiseAddr(), o.clusterPort(), List.of(o.cluster()), NodeTls.busInDataDir(o.dataDir()))
        .compose(vertx -> serve(vertx, o, tls, id, ips).onFailure(e -> vertx.close()));
  }

  private static Future<Started> serve(Vertx vertx, GatewayOptions o, NodeTls tls, Identity id, List<String> ips) {
    GatewayVerticle gateway = new GatewayVerticle();
    JsonObject config = new JsonObject().put("host", o.advertiseAddr()).put("port", o.port()).put("tlsPort", o.tlsPort())
        .put("nodeId", id.managerNodeId()).put("tls", tls.toConfig());
    // Hazelcast forms a cluster of one when the seed does not answer: make sure a manager's store is on the bus.
    return vertx.eventBus().request(Addresses.STORE_MEMBERS, new JsonObject(), PROBE)
        .recover(e -> Future.failedFuture(new IllegalStateException(e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
            ? "no manager's bus at " + o.cluster() + " (is it started with enxame up --cluster-port?)"
            : "the manager's bus at " + o.cluster() + " does not answer: " + e.getMessage())))
        .compose(v -> vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)))
        .compose(v -> vertx.deployVerticle(ControlPlaneCertificates.renewal("gateway certificate", tls, id.componentId(), ips)))
        .map(v -> new Started(vertx, id.componentId(), id.managerNodeId(), GatewayConfig.plaintextHost(o.advertiseAddr()),
            gateway.actualPort(), gateway.actualTlsPort()));
  }

  /** The identity in the data dir, or a new one signed by the manager's CA for the token (on a Vert.x of its own). */
  private static Identity identity(GatewayOptions o, List<String> ips) throws Exception {
    Path file = o.dataDir().resolve(FILE);
    if (Files.exists(file) && Files.exists(Path.of(NodeTls.inDataDir(o.dataDir()).certPath()))) {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      return new Identity(json.getString("componentId"), json.getString("managerNodeId"));
    }
    if (o.token() == null) {
      throw new IllegalArgumentException("this data dir holds no gateway certificate yet: give the manager join token with --token");
    }
    IssueNodeCertificateRequest.Builder request = IssueNodeCertificateRequest.newBuilder().setComponent(COMPONENT)
        .setHostname(NodeIdentity.localHostname()).setAddr(o.advertiseAddr()).addAllIps(ips);
    Vertx boot = Vertx.vertx();
    NodeJoin.Certified c;
    try {
      c = NodeJoin.certify(boot, o.token(), o.manager(), request).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      boot.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (c.issued().getBusCertificate().isEmpty()) throw new IllegalStateException("the manager issued no bus certificate");
    ControlPlaneCertificates.save(NodeTls.inDataDir(o.dataDir()), c.ca(), c.keys(), c.issued().getCertificate());
    ControlPlaneCertificates.save(NodeTls.busInDataDir(o.dataDir()), c.issued().getBusCa(), c.keys(), c.issued().getBusCertificate());
    Identity id = new Identity(c.issued().getNodeId(), c.issued().getManagerNodeId());
    AtomicFiles.write(file, new JsonObject().put("componentId", id.componentId()).put("managerNodeId", id.managerNodeId())
        .encodePrettily().getBytes(StandardCharsets.UTF_8), "rw-r--r--");
    return id;
  }
}
