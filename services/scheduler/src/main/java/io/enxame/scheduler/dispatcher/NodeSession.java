package io.enxame.scheduler.dispatcher;

import io.enxame.shared.dispatcher.AgentMessage;
import io.enxame.shared.dispatcher.Assignments;
import io.enxame.shared.dispatcher.DispatcherMessage;
import io.enxame.shared.dispatcher.NodeRole;
import io.enxame.shared.dispatcher.Payloads;
import io.enxame.shared.dispatcher.SessionAccepted;
import io.enxame.shared.dispatcher.Trust;
import io.enxame.shared.tls.SwarmTrust;
import io.enxame.shared.model.Kind;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** One node-agent's open session: its stream, its liveness, and the assignment changes queued for it. */
final class NodeSession {
  private final GrpcServerRequest<AgentMessage, DispatcherMessage> call;
  private final String id;
  private final Map<String, String> changed = new LinkedHashMap<>();
  private final Set<String> removed = new LinkedHashSet<>();
  /** What the node was last told of each task: only a change to it is worth sending again. */
  private final Map<String, JsonObject> sent = new HashMap<>();
  /** Secrets and configs (kind/id) sent on this session; the agent keeps them in memory for the session. */
  private final Set<String> delivered = new HashSet<>();
  private byte[] publicKey;
  private SwarmTrust trustSent;
  private String roleSent;
  private String nodeId;
  private long lastSeenNanos = System.nanoTime();
  private boolean closed;

  NodeSession(GrpcServerRequest<AgentMessage, DispatcherMessage> call, String id) {
    this.call = call;
    this.id = id;
  }

  String nodeId() { return nodeId; }

  void nodeId(String nodeId) { this.nodeId = nodeId; }

  /** The agent's session key from its Hello, which payloads are sealed to; null if it sent none. */
  byte[] publicKey() { return publicKey; }

  void publicKey(byte[] key) { this.publicKey = key; }

  /** Those of {@code ids} not yet sent, now counted as sent. */
  Set<String> undelivered(Kind kind, Set<String> ids) {
    Set<String> missing = new LinkedHashSet<>();
    ids.forEach(id -> {
      if (delivered.add(kind.wire() + "/" + id)) missing.add(id);
    });
    return missing;
  }

  void forget(Kind kind, Set<String> ids) { ids.forEach(id -> delivered.remove(kind.wire() + "/" + id)); }

  /** Tells the node what its TLS material must be, unless it was last told the same. */
  /** The node's role as the swarm has it, once per change. */
  void sendRole(String role) {
    if (role == null || role.equals(roleSent)) return;
    roleSent = role;
    send(DispatcherMessage.newBuilder().setRole(NodeRole.newBuilder().setRole(role)).build());
  }

  void sendTrust(SwarmTrust trust) {
    if (trust.equals(trustSent)) return;
    trustSent = trust;
    send(DispatcherMessage.newBuilder().setTrust(Trust.newBuilder().setCa(trust.ca())
        .setIssuerSubject(trust.issuerSubject()).setIssuerPublicKey(trust.issuerPublicKey())).build());
  }

  void sendPayloads(Payloads payloads) {
    if (payloads.getItemsCount() > 0) send(DispatcherMessage.newBuilder().setPayloads(payloads).build());
  }

  private volatile long heartbeatMillis;

  void touch() { lastSeenNanos = System.nanoTime(); }

  long silentNanos() { return System.nanoTime() - lastSeenNanos; }

  /** The period this session's agent was told to beat at (it keeps it until it reconnects). */
  long heartbeatMillis() { return heartbeatMillis; }

  void accept(long heartbeatMillis, Iterable<String> managers) {
    this.heartbeatMillis = heartbeatMillis;
    send(DispatcherMessage.newBuilder().setAccepted(SessionAccepted.newBuilder()
        .setSessionId(id).setHeartbeatPeriodMillis(heartbeatMillis).addAllManagers(managers)).build());
  }

  void sendFull(Iterable<JsonObject> tasks) {
    Assignments.Builder b = Assignments.newBuilder().setFull(true);
    sent.clear();
    tasks.forEach(t -> {
      b.addTasksJson(t.encode());
      sent.put(t.getString("ID"), assignment(t));
    });
    changed.clear();
    removed.clear();
    send(DispatcherMessage.newBuilder().setAssignments(b).build());
  }

  /**
   * Queues a changed task unless only its observed status moved: the node reported that status
   * itself, and echoing it back would only make the agent look at its container again.
   */
  void queueChanged(JsonObject task) {
    String id = task.getString("ID");
    JsonObject assignment = assignment(task);
    if (assignment.equals(sent.get(id))) return;
    sent.put(id, assignment);
    changed.put(id, task.encode());
    removed.remove(id);
  }

  void queueRemoved(String taskId) {
    sent.remove(taskId);
    changed.remove(taskId);
    removed.add(taskId);
  }

  /** The part of a task that tells a node what to do. */
  private static JsonObject assignment(JsonObject task) {
    return new JsonObject().put("DesiredState", task.getValue("DesiredState")).put("NodeID", task.getValue("NodeID"))
        .put("Spec", task.getValue("Spec"));
  }

  void flush() {
    if (changed.isEmpty() && removed.isEmpty()) return;
    send(DispatcherMessage.newBuilder().setAssignments(Assignments.newBuilder()
        .addAllTasksJson(changed.values()).addAllRemovedTaskIds(removed)).build());
    changed.clear();
    removed.clear();
  }

  boolean isClosed() { return closed; }

  void close() {
    if (closed) return;
    closed = true;
    try {
      call.response().end();
    } catch (IllegalStateException alreadyEnded) {
      // the stream was already closed by the other side
    }
  }

  void refuse(io.vertx.grpc.common.GrpcStatus status, String message) {
    if (closed) return;
    closed = true;
    call.response().status(status).statusMessage(message).end();
  }

  void send(DispatcherMessage message) {
    if (closed) return;
    try {
      call.response().write(message);
    } catch (IllegalStateException failed) {
      closed = true; // the stream was reset; its end is on its way to the dispatcher
    }
  }
}
