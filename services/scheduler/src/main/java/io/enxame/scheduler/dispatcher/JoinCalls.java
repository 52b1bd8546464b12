package io.enxame.scheduler.dispatcher;

import io.enxame.scheduler.view.ClusterView;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.bus.Failures;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.GetRootCACertificateResponse;
import io.enxame.shared.dispatcher.IssueNodeCertificateRequest;
import io.enxame.shared.dispatcher.IssueNodeCertificateResponse;
import io.enxame.shared.model.Json;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * The join path on the dispatcher's port (swarmkit's NodeCA service): the root CA's certificate, and a node
 * certificate issued by the secrets service for a CSR and a join token. Both are open to nodes without a certificate.
 */
final class JoinCalls {
  private static final DeliveryOptions ISSUE = new DeliveryOptions().setSendTimeout(15_000);

  private final Vertx vertx;
  private final ClusterView view;

  JoinCalls(Vertx vertx, ClusterView view) {
    this.vertx = vertx;
    this.view = view;
  }

  void register(GrpcServer grpc) {
    grpc.callHandler(DispatcherMethods.ROOT_CA_SERVER, call -> call.handler(req -> {
      String root = view.cluster().map(c -> Json.string(c, "TLSInfo.TrustRoot")).orElse("");
      if (root == null || root.isEmpty()) fail(call.response(), GrpcStatus.UNAVAILABLE, "the swarm has no root CA yet");
      else call.response().end(GetRootCACertificateResponse.newBuilder().setCertificate(root).build());
    }));
    grpc.callHandler(DispatcherMethods.ISSUE_CERT_SERVER, call -> call.handler(req -> issue(req, call.response())));
  }

  private void issue(IssueNodeCertificateRequest req, GrpcServerResponse<IssueNodeCertificateRequest, IssueNodeCertificateResponse> response) {
    JsonObject body = new JsonObject().put("csr", req.getCsr()).put("token", req.getToken())
        .put("hostname", req.getHostname()).put("advertiseAddr", req.getAddr());
    vertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, body, ISSUE).map(Message::body).onComplete(ar -> {
      if (ar.failed()) {
        int status = Failures.statusOf(ar.cause());
        fail(response, status == Failures.BAD_REQUEST ? GrpcStatus.INVALID_ARGUMENT
            : status == Failures.UNAVAILABLE ? GrpcStatus.UNAVAILABLE : GrpcStatus.INTERNAL, ar.cause().getMessage());
        return;
      }
      JsonObject r = ar.result();
      response.end(IssueNodeCertificateResponse.newBuilder().setNodeId(r.getString("nodeId")).setRole(r.getString("role"))
          .setCertificate(r.getString("cert")).setCa(r.getString("ca")).build());
    });
  }

  private static void fail(GrpcServerResponse<?, ?> response, GrpcStatus status, String message) {
    response.status(status).statusMessage(message).end();
  }
}
