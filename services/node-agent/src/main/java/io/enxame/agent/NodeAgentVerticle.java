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
import io.enxame.shared.dispatcher.Hello;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
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

  private final Function<AgentConfig, ContainerRuntime> runtimeFactory;
  private ContainerRuntime runtime;
  private TaskExecutor executor;
  private DispatcherSession session;
  private LogStreamer logs;
  private PayloadStore payloads;

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
        .onSuccess(description -> openSession(config, description))
        .onFailure(e -> executor.close().eventually(runtime::close));
  }

  private void openSession(AgentConfig config, JsonObject description) {
    Hello hello = Hello.newBuilder().setNodeId(config.nodeId()).setAddr(config.advertiseAddr())
        .setDescriptionJson(description.encode()).setPublicKey(ByteString.copyFrom(payloads.publicKey())).build();
    session = new DispatcherSession(vertx, config.dispatcher(), config.tls(), config.managersFile(), hello,
        assignments -> {
          if (assignments.getFull()) payloads.retainUsedBy(assignments);
          executor.apply(assignments);
        }, payloads::accept, executor::latestStatuses);
    logs = new LogStreamer(vertx, runtime, session::send);
    session.logHandler(logs::handle);
    session.lostHandler(logs::closeAll);
    session.open();
    LOG.info("node-agent {} started, dispatcher {}", config.nodeId(), config.dispatcher());
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
    Future<Void> closed = session == null ? Future.succeededFuture() : session.close();
    session = null;
    return closed.compose(v -> executor.removeAll());
  }

  @Override
  public Future<?> stop() {
    Future<Void> sessionClosed = session == null ? Future.succeededFuture() : session.close();
    Future<Void> executorClosed = executor == null ? Future.succeededFuture() : executor.close();
    return Future.join(sessionClosed, executorClosed).eventually(() -> runtime == null ? Future.succeededFuture() : runtime.close());
  }
}
