package io.enxame.agent;

import com.google.protobuf.ByteString;
import io.enxame.agent.exec.ContainerRuntime;
import io.enxame.agent.files.PayloadStore;
import io.enxame.agent.files.TaskFiles;
import io.enxame.agent.files.TmpfsFiles;
import io.enxame.agent.exec.DockerRuntime;
import io.enxame.agent.exec.TaskExecutor;
import io.enxame.agent.logs.LogStreamer;
import io.enxame.agent.session.DispatcherSession;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.dispatcher.Hello;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.tls.NodeTlsInfo;
import io.enxame.shared.tls.SwarmTrust;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The node-agent: describes the local engine, adopts the task containers it already runs, keeps a session
 * with the dispatcher and runs what it is assigned. Undeploying it leaves task containers running, so the
 * next agent on this node re-adopts them.
 */
public final class NodeAgentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgentVerticle.class);

  /** How long a task waits for a secret or config that its assignment uses to be delivered. */
  private static final long PAYLOAD_WAIT_MS = 30_000;
  /** The node's process relays (certificates, {@code Addresses.nodeTrust}) never leave this Vert.x instance. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Function<AgentConfig, ContainerRuntime> runtimeFactory;
  private ContainerRuntime runtime;
  private TaskExecutor executor;
  private DispatcherSession session;
  private LogStreamer logs;
  private PayloadStore payloads;
  private volatile String role = "";
  private volatile JsonObject description = new JsonObject();
  private MessageConsumer<JsonObject> tlsInfoConsumer;

  public NodeAgentVerticle() {
    this(null);
  }

  /** With another container runtime than the local Docker engine (tests). */
  public NodeAgentVerticle(Function<AgentConfig, ContainerRuntime> runtimeFactory) {
    this.runtimeFactory = runtimeFactory;
  }

  @Override
  public Future<?> start() {
    AgentConfig config = AgentConfig.fromJson(config());
    runtime = runtimeFactory != null ? runtimeFactory.apply(config)
        : DockerRuntime.create(vertx, config.dockerHost(), config.dockerApiVersion());
    payloads = new PayloadStore(vertx, config.nodeId(), PAYLOAD_WAIT_MS);
    TaskFiles files = new TmpfsFiles(vertx, payloads, config.filesDir());
    executor = new TaskExecutor(vertx, runtime, files, config.nodeId(), status -> {
      if (session != null) session.report(status);
    }, Clock.systemUTC());
    return runtime.describe()
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot describe the Docker engine at " + config.dockerHost() + ": " + e.getMessage(), e)))
        .compose(description -> executor.adopt().compose(v -> executor.watchEvents()).map(description))
        .compose(description -> tlsInfo(config).map(tls -> {
          this.description = description;
          openSession(config, description, tls);
          return description;
        }))
        .onFailure(e -> executor.close().eventually(runtime::close));
  }

  /** The node's {@code TLSInfo} as its files are now; empty without TLS. */
  private Future<String> tlsInfo(AgentConfig config) {
    return config.tls().map(tls -> vertx.executeBlocking(() -> NodeTlsInfo.read(tls).encode()).recover(e -> {
      LOG.warn("cannot read this node's TLS files: {}", e.getMessage());
      return Future.succeededFuture("");
    })).orElse(Future.succeededFuture(""));
  }

  private void openSession(AgentConfig config, JsonObject description, String tlsInfo) {
    Hello hello = Hello.newBuilder().setNodeId(config.nodeId()).setAddr(config.advertiseAddr()).setTlsInfoJson(tlsInfo)
        .setDescriptionJson(description.encode()).setPublicKey(ByteString.copyFrom(payloads.publicKey())).build();
    session = new DispatcherSession(vertx, config.dispatcher(), config.tls(), config.managersFile(), hello,
        assignments -> {
          if (assignments.getFull()) payloads.retainUsedBy(assignments);
          executor.apply(assignments);
        }, payloads::accept, executor::latestStatuses);
    logs = new LogStreamer(vertx, runtime, session::send);
    session.logHandler(logs::handle);
    session.lostHandler(logs::closeAll);
    // Certificates are kept by the node's process (deploy's TrustFollower): the agent carries the word both ways.
    session.trustHandler(trust -> vertx.eventBus().publish(Addresses.nodeTrust(config.nodeId()),
        new SwarmTrust(trust.getCa(), trust.getIssuerSubject(), trust.getIssuerPublicKey()).toJson(), LOCAL));
    session.roleHandler(r -> {
      role = r;
      vertx.eventBus().publish(Addresses.nodeRole(config.nodeId()), new JsonObject().put("role", r), LOCAL);
    });
    tlsInfoConsumer = vertx.eventBus().<JsonObject>localConsumer(Addresses.nodeTlsInfo(config.nodeId()),
        msg -> session.tlsInfo(msg.body().encode()));
    session.open();
    LOG.info("node-agent {} started, dispatcher {}", config.nodeId(), config.dispatcher());
  }

  /** The role the swarm last said this node has ("worker", "manager"; empty before a session said it). */
  public String role() { return role; }

  /** The engine as this agent described it to the dispatcher (Docker's {@code Node.Description}); empty before it started. */
  public JsonObject description() { return description.copy(); }

  /** The latest status of each task this agent runs, read on the agent's own event loop. */
  public Future<List<TaskStatus>> taskStatuses() {
    Promise<List<TaskStatus>> statuses = Promise.promise();
    context.runOnContext(v -> statuses.complete(executor == null ? List.of() : executor.latestStatuses()));
    return statuses.future();
  }

  /** kind/id of the secrets and configs this node was sent (never their data): what a test proves a node lacks. */
  public Set<String> receivedPayloads() {
    return payloads == null ? Set.of() : payloads.received();
  }

  /**
   * This node leaves the swarm ({@code docker swarm leave}): the session ends and every task of the node goes, its
   * container, files and networks with it, unlike a stop, which leaves them for the next agent to adopt.
   */
  public Future<Void> leaveSwarm() {
    Promise<Void> left = Promise.promise();
    // On the agent's own event loop, whoever asks.
    context.runOnContext(x -> {
      Future<Void> closed = session == null ? Future.succeededFuture() : session.close();
      session = null;
      closed.compose(v -> executor.removeAll()).onComplete(left);
    });
    return left.future();
  }

  @Override
  public Future<?> stop() {
    if (tlsInfoConsumer != null) tlsInfoConsumer.unregister();
    Future<Void> sessionClosed = session == null ? Future.succeededFuture() : session.close();
    Future<Void> executorClosed = executor == null ? Future.succeededFuture() : executor.close();
    return Future.join(sessionClosed, executorClosed).eventually(() -> runtime == null ? Future.succeededFuture() : runtime.close());
  }
}
