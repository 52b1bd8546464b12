package io.enxame.scheduler.dispatcher;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.GetRootCACertificateResponse;
import io.enxame.shared.dispatcher.IssueNodeCertificateRequest;
import io.enxame.shared.dispatcher.IssueNodeCertificateResponse;
import io.enxame.shared.dispatcher.JoinManagerRequest;
import io.enxame.shared.dispatcher.JoinManagerResponse;
import io.enxame.shared.crypto.Aead;
import io.enxame.shared.model.Json;
import io.enxame.shared.model.Kind;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.Optional;

/**
 * The join path on the dispatcher's port (swarmkit's NodeCA service): the root CA's certificate, and a node
 * certificate issued by the secrets service for a CSR and a join token, both open to nodes without a certificate;
 * then, for a node with a manager certificate, the keys its control plane needs to join (swarmkit's raft Join).
 */
final class JoinCalls {
  private static final DeliveryOptions ISSUE = new DeliveryOptions().setSendTimeout(15_000);

  private final Vertx vertx;
  private final ClusterView view;
  /** This manager's node ID (null with one manager only, in tests): a component that joins here serves as part of it. */
  private final String self;

  JoinCalls(Vertx vertx, ClusterView view, String self) {
    this.vertx = vertx;
    this.view = view;
    this.self = self;
  }

  void register(GrpcServer grpc) {
    grpc.callHandler(DispatcherMethods.ROOT_CA_SERVER, call -> call.handler(req -> {
      String root = view.cluster().map(c -> Json.string(c, "TLSInfo.TrustRoot")).orElse("");
      if (root == null || root.isEmpty()) fail(call.response(), GrpcStatus.UNAVAILABLE, "the swarm has no root CA yet");
      else call.response().end(GetRootCACertificateResponse.newBuilder().setCertificate(root).build());
    }));
    grpc.callHandler(DispatcherMethods.ISSUE_CERT_SERVER, call -> call.handler(req -> issue(NodeTls.peer(call.connection()), req, call.response())));
    grpc.callHandler(DispatcherMethods.JOIN_MANAGER_SERVER, call -> call.handler(req -> joinManager(NodeTls.peer(call.connection()), req, call.response())));
  }

  /**
   * A node whose certificate says manager, and which the store still knows as one, gets the store's group and
   * data key and the secrets key, sealed to the key it sent: what its own control plane needs to join.
   */
  private void joinManager(Optional<NodeTls.Peer> peer, JoinManagerRequest req,
                           GrpcServerResponse<JoinManagerRequest, JoinManagerResponse> response) {
    JsonObject node = peer.filter(NodeTls.Peer::manager).map(p -> view.get(Kind.NODES, p.nodeId())).orElse(null);
    if (node == null || !"manager".equals(Json.string(node, "Spec.Role"))) {
      fail(response, GrpcStatus.PERMISSION_DENIED, "a manager certificate from this swarm's CA is required to join as a manager");
      return;
    }
    JsonObject key = new JsonObject().put("publicKey", Aead.b64(req.getPublicKey().toByteArray()));
    Future<JsonObject> store = vertx.eventBus().<JsonObject>request(Addresses.STORE_JOIN_OFFER, key, ISSUE).map(Message::body);
    Future<JsonObject> secrets = vertx.eventBus().<JsonObject>request(Addresses.SECRETS_KEY_OFFER, key, ISSUE).map(Message::body);
    Future.all(store, secrets).onComplete(ar -> {
      if (ar.failed()) {
        fail(response, grpcStatus(ar.cause()), ar.cause().getMessage());
        return;
      }
      JoinManagerResponse.Builder reply = JoinManagerResponse.newBuilder().setGroupId(store.result().getString("groupId"))
          .setSealedStoreKey(store.result().getJsonObject("dek").encode())
          .setSealedSecretsKey(secrets.result().getJsonObject("key").encode());
      store.result().getJsonArray("voters").forEach(v -> reply.addVoters(((JsonObject) v).encode()));
      response.end(reply.build());
    });
  }

  private static GrpcStatus grpcStatus(Throwable failure) {
    int status = Failures.statusOf(failure);
    return status == Failures.BAD_REQUEST ? GrpcStatus.INVALID_ARGUMENT
        : status == Failures.UNAVAILABLE ? GrpcStatus.UNAVAILABLE : GrpcStatus.INTERNAL;
  }

  /**
   * With a token: a node joins (the secrets service checks the token, which decides the role). Without one: a node
   * renews its certificate over mutual TLS, as swarmkit's agents do; its ID comes from the certificate it presents and
   * its role from its node object, so a node removed from the swarm gets nothing and a promoted or demoted one gets its
   * new role.
   */
  private void issue(Optional<NodeTls.Peer> peer, IssueNodeCertificateRequest req,
                     GrpcServerResponse<IssueNodeCertificateRequest, IssueNodeCertificateResponse> response) {
    JsonObject body = new JsonObject().put("csr", req.getCsr());
    if (!req.getToken().isEmpty()) {
      body.put("token", req.getToken()).put("hostname", req.getHostname()).put("advertiseAddr", req.getAddr());
      if (!req.getComponent().isEmpty()) body.put("component", req.getComponent()).put("ips", new JsonArray(req.getIpsList()));
    } else if (peer.isPresent()) {
      JsonObject node = view.get(Kind.NODES, peer.get().nodeId());
      if (node == null) {
        fail(response, GrpcStatus.PERMISSION_DENIED, "node " + peer.get().nodeId() + " is not part of this swarm");
        return;
      }
      body.put("nodeId", peer.get().nodeId()).put("role", Json.string(node, "Spec.Role"));
    }
    vertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, body, ISSUE).map(Message::body).onComplete(ar -> {
      if (ar.failed()) {
        fail(response, grpcStatus(ar.cause()), ar.cause().getMessage());
        return;
      }
      JsonObject r = ar.result();
      response.end(IssueNodeCertificateResponse.newBuilder().setNodeId(r.getString("nodeId")).setRole(r.getString("role"))
          .setCertificate(r.getString("cert")).setCa(r.getString("ca")).setManagerNodeId(self == null ? "" : self)
          .setBusCertificate(r.getString("busCert", "")).setBusCa(r.getString("busCa", "")).build());
    });
  }

  private static void fail(GrpcServerResponse<?, ?> response, GrpcStatus status, String message) {
    response.status(status).statusMessage(message).end();
  }
}
