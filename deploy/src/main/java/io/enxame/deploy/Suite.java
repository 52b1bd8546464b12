package io.enxame.deploy;

import io.enxame.agent.NodeAgentVerticle;
import io.enxame.gateway.GatewayConfig;
import io.enxame.gateway.GatewayVerticle;
import io.enxame.mesh.MeshVerticle;
import io.enxame.scheduler.SchedulerVerticle;
import io.enxame.secrets.SecretsVerticle;
import io.enxame.shared.net.HostPort;
import io.enxame.shared.net.ManagersFile;
import io.enxame.shared.tls.NodeTls;
import io.enxame.store.JoinOffer;
import io.enxame.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Assembles services into a process. {@link #manager} deploys the control plane (store, secrets,
 * scheduler with its dispatcher, gateway); {@link #node} deploys the node-side services (node-agent, routing mesh,
 * and the renewal of the node's certificate). {@code enxame up}
 * runs both in one Vert.x instance; in a cluster each runs where it is needed and they meet on the
 * clustered event bus and the dispatcher's gRPC port.
 */
public final class Suite {
  private static final Logger LOG = LoggerFactory.getLogger(Suite.class);

  private Suite() {}

  /**
   * Where the control plane ended up listening (ports may have been chosen by the OS; the gateway's plaintext port on
   * loopback only, its TLS port on the advertised address), and its deployments in the order they were made.
   */
  public record Manager(String gatewayAddress, int gatewayPort, String gatewayTlsAddress, int gatewayTlsPort, String dispatcherAddress,
                        int dispatcherPort, List<String> deployments) {}

  /** A node's own services: their deployments, the agent, and the renewal of the node's certificate. */
  record Node(List<String> deployments, NodeAgentVerticle agent, CertificateRenewal renewal) {}

  public static Future<Manager> manager(Vertx vertx, UpOptions o, NodeIdentity id) { return manager(vertx, o, id, null); }

  /**
   * The control plane; {@code joining}: the keys of the swarm this manager joins (its store then joins the swarm's
   * Raft group), or null to start a new swarm or resume the one in the data dir. A control plane that fails to start
   * is undeployed again, so that nothing of it (its gateway's port, say) stays behind.
   */
  static Future<Manager> manager(Vertx vertx, UpOptions o, NodeIdentity id, NodeJoin.ManagerKeys joining) {
    JsonObject store = new JsonObject()
        .put("nodeId", id.nodeId()).put("hostname", id.hostname())
        .put("dataDir", o.dataDir().toString())
        .put("raftHost", o.advertiseAddr()).put("raftPort", o.raftPort())
        .put("advertiseAddr", o.advertiseAddr()).put("dispatcherPort", o.dispatcherPort())
        .put("initSwarm", joining == null)
        // Raft is mutual TLS with the node certificate (the first manager's arrives once its store is up: RaftTls).
        .put("tls", NodeTls.inDataDir(o.dataDir()).toConfig());
    JsonObject secrets = new JsonObject().put("dataDir", o.dataDir().resolve("secrets").toString());
    if (joining != null) {
      store.put("join", joining.storeJoin());
      secrets.put("key", joining.secretsKey());
    }
    SchedulerVerticle scheduler = new SchedulerVerticle();
    List<String> gatewayIps = List.of(o.advertiseAddr(), "127.0.0.1");
    GatewayVerticle gateway = new GatewayVerticle();
    List<String> ids = new ArrayList<>();
    return deploy(vertx, new StoreVerticle(), store, ids)
        .compose(v -> deploy(vertx, new SecretsVerticle(), secrets, ids))
        .compose(v -> ControlPlaneCertificates.clientBundle(vertx, o.dataDir()))
        .compose(v -> ControlPlaneCertificates.node(vertx, o.dataDir(), id.nodeId()))
        .compose(tls -> deploy(vertx, scheduler, new JsonObject().put("storeMember", id.nodeId())
            .put("dispatcherHost", o.advertiseAddr()).put("dispatcherPort", o.dispatcherPort()).put("tls", tls.toConfig()), ids))
        .compose(v -> ControlPlaneCertificates.gateway(vertx, o.dataDir(), id.nodeId(), gatewayIps))
        .compose(tls -> deploy(vertx, gateway, new JsonObject()
            .put("host", o.advertiseAddr()).put("port", o.gatewayPort()).put("nodeId", id.nodeId())
            .put("tls", tls.toConfig()).put("tlsPort", o.tlsPort()).put("bridgePort", o.bridgePort()), ids))
        .compose(v -> {
          CertificateRenewal gatewayRenewal = ControlPlaneCertificates.gatewayRenewal(o.dataDir(), id.nodeId(), gatewayIps);
          return deploy(vertx, gatewayRenewal, new JsonObject(), ids)
              .compose(d -> deploy(vertx, new TrustFollower.ControlPlane(gatewayRenewal, o.dataDir()), new JsonObject(), ids));
        })
        .map(v -> new Manager(GatewayConfig.plaintextHost(o.advertiseAddr()), gateway.actualPort(), o.advertiseAddr(),
            gateway.actualTlsPort(), o.advertiseAddr(), scheduler.dispatcherPort(), List.copyOf(ids)))
        .recover(e -> undeploy(vertx, ids).transform(v -> Future.<Manager>failedFuture(e)));
  }

  /**
   * A manager's certificate for its clustered bus ({@link ClusteredBus}), which Vert.x reads when the bus starts: on the
   * first clustered start it is issued by the manager's own control plane, run once on a local bus for that (which
   * also starts a new swarm on a fresh data dir), then stopped. Blocking: before any other Vert.x of the process.
   */
  static NodeTls busCertificate(UpOptions o, NodeIdentity id) throws Exception {
    NodeTls bus = NodeTls.busInDataDir(o.dataDir());
    if (Files.exists(Path.of(bus.certPath()))) return bus;
    Vertx local = Vertx.vertx();
    try {
      return manager(local, o, id).compose(m -> ControlPlaneCertificates.bus(local, o.dataDir(), id.nodeId()))
          .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } finally {
      local.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** The node-side services, on the dispatcher with mutual TLS with the certificates in {@code dataDir}. */
  /** @param metricsAddr where the mesh serves {@code GET /metrics} ("host:port"), or null for nowhere */
  static Future<Node> node(Vertx vertx, NodeIdentity id, String advertiseAddr, String dispatcher, String dockerHost, Path dataDir,
      String metricsAddr) {
    JsonObject tls = NodeTls.inDataDir(dataDir).toConfig();
    JsonObject agent = new JsonObject().put("nodeId", id.nodeId()).put("dispatcher", dispatcher).put("advertiseAddr", advertiseAddr)
        .put("tls", tls).put("managersFile", ManagersFile.in(dataDir).toString());
    if (dockerHost != null) agent.put("dockerHost", dockerHost);
    // Published ports listen on every interface, as Swarm's do; other meshes reach this one at advertiseAddr.
    JsonObject mesh = new JsonObject().put("nodeId", id.nodeId()).put("dispatcher", dispatcher).put("advertiseAddr", advertiseAddr)
        .put("bindHost", "0.0.0.0").put("tls", tls).put("managersFile", ManagersFile.in(dataDir).toString());
    if (metricsAddr != null) mesh.put("metricsAddr", metricsAddr);
    NodeAgentVerticle agentVerticle = new NodeAgentVerticle();
    CertificateRenewal renewal = CertificateRenewal.node(NodeTls.inDataDir(dataDir), HostPort.parse(dispatcher).socketAddress(),
        ManagersFile.in(dataDir));
    List<String> ids = new ArrayList<>();
    // The renewal and its follower are up before the agent opens its session, whose first message may be a Trust.
    return deploy(vertx, renewal, new JsonObject(), ids)
        .compose(v -> deploy(vertx, new TrustFollower.Node(id.nodeId(), renewal), new JsonObject(), ids))
        .compose(v -> deploy(vertx, agentVerticle, agent, ids)).compose(v -> deploy(vertx, new MeshVerticle(), mesh, ids))
        .map(v -> new Node(List.copyOf(ids), agentVerticle, renewal));
  }

  /** {@code enxame up}: a whole manager node and its node-side services in one Vert.x instance. */
  public static Future<Manager> up(Vertx vertx, UpOptions o, NodeIdentity id) { return up(vertx, o, id, () -> { }); }

  /** @param onLeft told when this node has left the swarm ({@code docker swarm leave --force}) */
  public static Future<Manager> up(Vertx vertx, UpOptions o, NodeIdentity id, Runnable onLeft) {
    return manager(vertx, o, id).compose(m -> followedNode(vertx, id, m, o, onLeft).map(m));
  }

  /**
   * The node-side services and the watch on the node's role ({@link PromotionFollower}): on a manager's own dispatcher
   * with its control plane watched for a demotion, or, on a worker ({@code manager} null), on {@code dispatcher}.
   */
  private static Future<Node> followedNode(Vertx vertx, NodeIdentity id, Manager manager, UpOptions o, Runnable onLeft) {
    return followedNode(vertx, id, manager.dispatcherAddress() + ":" + manager.dispatcherPort(), manager, o, onLeft);
  }

  private static Future<Node> followedNode(Vertx vertx, NodeIdentity id, String dispatcher, Manager manager, UpOptions o, Runnable onLeft) {
    return node(vertx, id, o.advertiseAddr(), dispatcher, o.dockerHost(), o.dataDir(), o.metricsAddr())
        .compose(n -> deploy(vertx, new PromotionFollower(id, o, n, manager, onLeft), new JsonObject()).map(n));
  }

  /**
   * Whether {@code dataDir} is a worker's: it has the node's identity and certificate but no store, as a joined
   * worker's or a demoted manager's has. {@code enxame up} resumes such a node as a worker ({@link #resumeWorker}).
   */
  static boolean isWorkerDataDir(Path dataDir) {
    return NodeIdentity.exists(dataDir) && Files.exists(Path.of(NodeTls.inDataDir(dataDir).certPath()))
        && !RoleFollower.holdsManagerState(dataDir);
  }

  /** A worker's node-side services again, on the managers its agent last heard of. */
  static Future<Node> resumeWorker(Vertx vertx, NodeIdentity id, UpOptions o, Runnable onLeft) {
    Path managers = ManagersFile.in(o.dataDir());
    return ManagersFile.read(vertx, managers)
        .compose(list -> list.isEmpty()
            ? Future.failedFuture(new IllegalStateException("this worker's data dir names no manager (" + managers + "): join again with enxame join"))
            : followedNode(vertx, id, new HostPort(list.get(0).host(), list.get(0).port()).toString(), null, o, onLeft));
  }

  /**
   * {@code enxame join}: joins with the token (or resumes a joined data dir) and runs the node's agent; a node whose
   * certificate says manager also runs a manager's control plane, whose store joins the swarm's Raft group the
   * first time, and its agent then reports to this manager's own dispatcher.
   */
  public static Future<NodeIdentity> join(Vertx vertx, JoinOptions o) { return join(vertx, o, () -> { }); }

  /** @param onLeft told when this node, a manager, has left the swarm ({@code docker swarm leave --force}) */
  public static Future<NodeIdentity> join(Vertx vertx, JoinOptions o, Runnable onLeft) {
    return NodeJoin.join(vertx, o).compose(id -> vertx.executeBlocking(() -> NodeJoin.role(o.dataDir())).compose(role -> {
      if (!"manager".equals(role)) return followedNode(vertx, id, o.manager(), null, o.up(), onLeft).mapEmpty();
      Future<NodeJoin.ManagerKeys> keys = JoinOffer.needed(o.dataDir()) ? NodeJoin.managerKeys(vertx, o) : Future.succeededFuture(null);
      return keys.compose(k -> manager(vertx, o.up(), id, k))
          .compose(m -> followedNode(vertx, id, m, o.up(), onLeft));
    }).map(id));
  }

  /** Undeploys these deployments, last deployed first (a gateway stops taking calls before the store it needs goes); a failure is logged and the rest go on. */
  static Future<Void> undeploy(Vertx vertx, List<String> deployments) {
    Future<Void> done = Future.succeededFuture();
    List<String> ids = List.copyOf(deployments);
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      done = done.compose(v -> vertx.undeploy(id).recover(e -> {
        LOG.warn("undeploying {} failed: {}", id, e.getMessage());
        return Future.succeededFuture();
      }));
    }
    return done;
  }

  private static Future<String> deploy(Vertx vertx, io.vertx.core.Deployable verticle, JsonObject config) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config));
  }

  private static Future<String> deploy(Vertx vertx, io.vertx.core.Deployable verticle, JsonObject config, List<String> ids) {
    return deploy(vertx, verticle, config).onSuccess(ids::add);
  }
}
