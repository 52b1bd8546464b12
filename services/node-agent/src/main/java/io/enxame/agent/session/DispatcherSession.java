package io.enxame.agent.session;

import io.enxame.shared.model.SwarmDefaults;
import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.Assignments;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.Heartbeat;
import io.enxame.shared.dispatcher.Hello;
import io.enxame.shared.dispatcher.Payloads;
import io.enxame.shared.dispatcher.StatusBatch;
import io.enxame.shared.dispatcher.TaskStatus;
import io.enxame.shared.dispatcher.TlsInfo;
import io.enxame.shared.dispatcher.Trust;
import io.enxame.shared.net.Backoff;
import io.enxame.shared.net.HostPort;
import io.enxame.shared.net.ManagersFile;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The node's session with the dispatcher: one bidirectional gRPC stream that opens with Hello, then carries
 * heartbeats and task statuses up and assignments down. A broken stream is reopened with backoff for as
 * long as the session is open; the latest status of every task is re-sent on each new stream.
 *
 * <p>With several managers: an accepted session lists every manager's dispatcher. A stream that ends after it was
 * accepted is reopened to the same manager once (an agent or dispatcher restart, a blip); a stream that was never
 * accepted moves on to the next manager of the list, so a node whose manager died carries on with another one
 * within a heartbeat or two, its tasks untouched.
 */
public final class DispatcherSession {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherSession.class);
  /** Statuses observed within this window travel in one batch. */
  static final long BATCH_WINDOW_MS = 10;

  private final Vertx vertx;
  private final GrpcClient client;
  /** The managers' dispatchers, in the order they are tried; {@link #current} is the one in use. */
  private final List<SocketAddress> managers = new ArrayList<>();
  private int current;
  /** Where the managers last heard of are kept for the next start, as a JSON array of "host:port". */
  private final Optional<Path> managersFile;
  /** Opens every stream; its TLS info follows the node's files ({@link #tlsInfo}). */
  private Hello hello;
  private final Handler<Assignments> onAssignments;
  private final Handler<Payloads> onPayloads;
  private final Supplier<Collection<TaskStatus>> latestStatuses;
  private final Backoff backoff = new Backoff(100, 2000);
  private final List<TaskStatus> pending = new ArrayList<>();
  private Stream stream;
  private long reconnectTimer = -1;
  private long flushTimer = -1;
  private boolean closed;
  private Handler<DispatcherMessage> logHandler = m -> { };
  private Runnable lostHandler = () -> { };
  private Handler<Trust> trustHandler = t -> { };
  private Handler<String> roleHandler = r -> { };
  private final boolean tls;

  /** With {@code tls}, the session presents the node's certificate and accepts only a manager's; without, plaintext. */
  public DispatcherSession(Vertx vertx, SocketAddress dispatcher, Optional<NodeTls> tls, Optional<Path> managersFile, Hello hello,
      Handler<Assignments> onAssignments, Handler<Payloads> onPayloads, Supplier<Collection<TaskStatus>> latestStatuses) {
    this.managersFile = managersFile;
    this.onPayloads = onPayloads;
    this.vertx = vertx;
    this.tls = tls.isPresent();
    this.client = tls.map(t -> GrpcClient.client(vertx, t.client(new HttpClientOptions()))).orElseGet(() -> GrpcClient.client(vertx));
    this.managers.add(dispatcher);
    this.hello = hello;
    this.onAssignments = onAssignments;
    this.latestStatuses = latestStatuses;
  }

  /** Connects to the configured manager first, then to the others the last session listed (kept in the managers file). */
  public void open() {
    if (managersFile.isEmpty()) {
      connect();
      return;
    }
    ManagersFile.read(vertx, managersFile.get()).onComplete(ar -> {
      ar.result().stream().filter(a -> !managers.contains(a)).forEach(managers::add);
      connect();
    });
  }

  /** Receives the dispatcher's log messages (subscribe, ack, cancel). */
  public void logHandler(Handler<DispatcherMessage> handler) { this.logHandler = handler; }

  /** Called when a stream is lost or closed: whatever was bound to it (log subscriptions) is gone with it. */
  public void lostHandler(Runnable handler) { this.lostHandler = handler; }

  /** Receives what the dispatcher says the node's TLS material must be (a root rotation). */
  public void trustHandler(Handler<Trust> handler) { this.trustHandler = handler; }

  /** Receives the role the swarm gives the node (a promotion or a demotion). */
  public void roleHandler(Handler<String> handler) { this.roleHandler = handler; }

  /**
   * The node's {@code TLSInfo} (Docker's JSON) changed: reported now on the accepted stream, and in the hello of every
   * stream after it.
   */
  public void tlsInfo(String json) {
    hello = hello.toBuilder().setTlsInfoJson(json).build();
    send(AgentMessage.newBuilder().setTlsInfo(TlsInfo.newBuilder().setJson(json)).build());
  }

  /** Sends a message on the accepted stream; false (nothing sent) without one. */
  public boolean send(AgentMessage message) {
    if (!isAccepted()) return false;
    stream.write(message);
    return true;
  }

  /** True once the dispatcher accepted the current stream. */
  public boolean isAccepted() {
    return stream != null && stream.accepted;
  }

  /** Queues a status for the next batch; without an accepted stream it waits for the resend on reconnect. */
  public void report(TaskStatus status) {
    if (!isAccepted()) return;
    pending.add(status);
    if (flushTimer < 0) flushTimer = vertx.setTimer(BATCH_WINDOW_MS, id -> flush());
  }

  private void flush() {
    flushTimer = -1;
    if (pending.isEmpty() || !isAccepted()) return;
    stream.write(AgentMessage.newBuilder().setStatuses(StatusBatch.newBuilder().addAllStatuses(pending)).build());
    pending.clear();
  }

  private void connect() {
    reconnectTimer = -1;
    if (closed) return;
    Stream s = new Stream();
    stream = s;
    client.request(managers.get(current), DispatcherMethods.SESSION_CLIENT).onComplete(ar -> {
      if (ar.failed()) s.lost(ar.cause());
      else s.opened(ar.result());
    });
  }

  /** The managers an accepted session listed, the one in use first; kept in the managers file for the next start. */
  private void learn(List<String> known) {
    SocketAddress inUse = managers.get(current);
    managers.clear();
    managers.add(inUse);
    current = 0;
    add(known);
    managersFile.ifPresent(file -> {
      JsonArray list = new JsonArray();
      managers.forEach(a -> list.add(new HostPort(a.host(), a.port()).toString()));
      vertx.fileSystem().writeFile(file.toString(), list.toBuffer())
          .onFailure(e -> LOG.warn("cannot keep the managers in {}: {}", file, e.getMessage()));
    });
  }

  /** Adds "host:port" addresses not in the list yet, after those it has. */
  private void add(List<String> hostPorts) {
    for (String hostPort : hostPorts) {
      try {
        SocketAddress a = HostPort.parse(hostPort).socketAddress();
        if (!managers.contains(a)) managers.add(a);
      } catch (IllegalArgumentException malformed) {
        LOG.debug("ignoring manager address {}", hostPort);
      }
    }
  }

  /** Ends the stream and the timers; the dispatcher sees the node leave. */
  public Future<Void> close() {
    closed = true;
    if (reconnectTimer >= 0) vertx.cancelTimer(reconnectTimer);
    if (flushTimer >= 0) vertx.cancelTimer(flushTimer);
    if (stream != null) stream.shutdown();
    stream = null;
    return client.close();
  }

  /** One attempt at a stream; its handlers do nothing once it is no longer the session's current stream. */
  private final class Stream {
    private GrpcClientRequest<AgentMessage, DispatcherMessage> call;
    private long heartbeatTimer = -1;
    private boolean accepted;
    private boolean dead;

    void opened(GrpcClientRequest<AgentMessage, DispatcherMessage> call) {
      this.call = call;
      if (dead || closed) {
        call.cancel();
        return;
      }
      if (tls && !NodeTls.peer(call.connection()).map(NodeTls.Peer::manager).orElse(false)) {
        call.cancel();
        lost(new IllegalStateException("the dispatcher's certificate is not a swarm manager's"));
        return;
      }
      call.exceptionHandler(this::lost);
      call.response().onComplete(ar -> {
        if (ar.failed()) {
          lost(ar.cause());
          return;
        }
        GrpcClientResponse<AgentMessage, DispatcherMessage> response = ar.result();
        response.handler(this::received);
        response.exceptionHandler(this::lost);
        response.endHandler(v -> lost(new IllegalStateException("dispatcher ended the session ("
            + response.status() + (response.statusMessage() == null ? "" : ": " + response.statusMessage()) + ")")));
      });
      write(AgentMessage.newBuilder().setHello(hello).build());
    }

    private void received(DispatcherMessage msg) {
      if (dead) return;
      switch (msg.getKindCase()) {
        case ACCEPTED -> accepted(msg.getAccepted().getHeartbeatPeriodMillis(), msg.getAccepted().getManagersList());
        case ASSIGNMENTS -> onAssignments.handle(msg.getAssignments());
        case SUBSCRIBE_LOGS, LOG_ACK, CANCEL_LOGS -> logHandler.handle(msg);
        case PAYLOADS -> onPayloads.handle(msg.getPayloads());
        case TRUST -> trustHandler.handle(msg.getTrust());
        case ROLE -> roleHandler.handle(msg.getRole().getRole());
        default -> LOG.debug("ignoring dispatcher message {}", msg.getKindCase());
      }
    }

    private void accepted(long heartbeatMillis, List<String> known) {
      accepted = true;
      backoff.reset();
      LOG.info("node {}: session accepted by {}", hello.getNodeId(), managers.get(current));
      learn(known);
      long period = heartbeatMillis > 0 ? heartbeatMillis : SwarmDefaults.HEARTBEAT_MILLIS;
      if (heartbeatTimer < 0) {
        heartbeatTimer = vertx.setPeriodic(period, id -> write(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build()));
      }
      Collection<TaskStatus> latest = latestStatuses.get();
      if (!latest.isEmpty()) write(AgentMessage.newBuilder().setStatuses(StatusBatch.newBuilder().addAllStatuses(latest)).build());
    }

    void write(AgentMessage msg) {
      if (dead || call == null) return;
      call.write(msg).onFailure(this::lost);
    }

    void lost(Throwable cause) {
      if (dead) return;
      boolean wasAccepted = accepted;
      shutdown();
      if (closed || stream != this) return;
      stream = null;
      pending.clear(); // superseded by the full resend on the next stream
      long delay;
      if (wasAccepted) {
        delay = backoff.next(); // the same manager first: most often a restart on either side
      } else {
        current = (current + 1) % managers.size();
        // A full round of managers without a session: back off before the next round.
        delay = current == 0 ? backoff.next() : 0;
      }
      LOG.warn("node {}: dispatcher session lost ({}), reconnecting to {} in {} ms", hello.getNodeId(), cause.getMessage(),
          managers.get(current), delay);
      reconnectTimer = vertx.setTimer(Math.max(1, delay), id -> connect());
    }

    void shutdown() {
      if (!dead) lostHandler.run();
      dead = true;
      accepted = false;
      if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
      if (call != null) {
        try {
          call.cancel();
        } catch (RuntimeException alreadyClosed) {
          // nothing left to cancel
        }
      }
    }
  }
}
