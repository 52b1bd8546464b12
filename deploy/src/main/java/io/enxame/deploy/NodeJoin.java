package io.enxame.deploy;

import com.google.protobuf.ByteString;
import io.enxame.secrets.pki.NodeKeys;
import io.enxame.secrets.vault.Envelope;
import io.enxame.shared.crypto.Aead;
import io.enxame.shared.crypto.SealedBox;
import io.enxame.shared.dispatcher.JoinManagerRequest;
import io.enxame.store.JoinOffer;
import io.vertx.core.json.JsonArray;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.net.HostPort;
import io.enxame.shared.dispatcher.GetRootCACertificateRequest;
import io.enxame.shared.dispatcher.IssueNodeCertificateRequest;
import io.enxame.shared.dispatcher.IssueNodeCertificateResponse;
import io.enxame.shared.tls.JoinToken;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code enxame join} before the agent starts, as swarmkit's {@code LoadOrCreateSecurityConfig}: fetch the manager's
 * root CA and pin it by the token's digest, make a key and a CSR, have the CA sign it for the token's role, and keep
 * {@link NodeTls#inDataDir its certificates} (key 0600) in the data dir
 * with the node's identity. A data dir that already holds them is used as it is.
 */
final class NodeJoin {
  private NodeJoin() {}

  /** The node's identity, joining first when the data dir has none. Fails with swarmkit's wording on a refusal. */
  static Future<NodeIdentity> join(Vertx vertx, JoinOptions o) {
    if (NodeIdentity.exists(o.dataDir()) && Files.exists(Path.of(NodeTls.inDataDir(o.dataDir()).certPath()))) {
      return vertx.executeBlocking(() -> NodeIdentity.loadOrCreate(o.dataDir()));
    }
    return certify(vertx, o.token(), o.manager(), IssueNodeCertificateRequest.newBuilder()
            .setHostname(NodeIdentity.localHostname()).setAddr(o.advertiseAddr()))
        .compose(c -> vertx.executeBlocking(() -> {
          ControlPlaneCertificates.save(NodeTls.inDataDir(o.dataDir()), c.ca(), c.keys(), c.issued().getCertificate());
          return NodeIdentity.save(o.dataDir(), new NodeIdentity(c.issued().getNodeId(), NodeIdentity.localHostname(), true));
        }));
  }

  /** A certificate the swarm's CA signed for a new key, with the root it was checked against. */
  record Certified(String ca, NodeKeys keys, IssueNodeCertificateResponse issued) {}

  /**
   * Has the CA at {@code manager} sign a new key for {@code request} (completed here with the CSR and the token). As
   * swarmkit: the root is fetched over TLS without verifying the server (nothing to verify it with yet) and pinned by
   * the token's digest; the token and CSR then travel to a server verified against that root.
   */
  static Future<Certified> certify(Vertx vertx, String token, String manager, IssueNodeCertificateRequest.Builder request) {
    if (JoinToken.digestHex(token).isEmpty()) return Future.failedFuture(new JoinRefused(JoinToken.INVALID));
    SocketAddress address = HostPort.parse(manager).socketAddress();
    GrpcClient unverified = GrpcClient.client(vertx, new HttpClientOptions().setSsl(true).setUseAlpn(true).setTrustAll(true).setVerifyHost(false));
    return unary(unverified, address, DispatcherMethods.ROOT_CA_CLIENT, GetRootCACertificateRequest.getDefaultInstance())
        .eventually(unverified::close)
        .compose(root -> {
          String ca = root.getCertificate();
          if (!JoinToken.pins(token, ca)) {
            return Future.failedFuture(new JoinRefused("remote CA does not match fingerprint. Expected: "
                + JoinToken.digestHex(token).orElseThrow()));
          }
          GrpcClient pinned = GrpcClient.client(vertx, new HttpClientOptions().setSsl(true).setUseAlpn(true).setVerifyHost(false)
              .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca))));
          return vertx.executeBlocking(NodeKeys::generate).compose(keys -> unary(pinned, address, DispatcherMethods.ISSUE_CERT_CLIENT,
                  request.setCsr(keys.csrPem()).setToken(token).build())
              .map(issued -> new Certified(ca, keys, issued)))
              .eventually(pinned::close);
        });
  }

  /** What a manager's control plane needs to join: the store's {@code join} config and the secrets key (b64). */
  record ManagerKeys(JsonObject storeJoin, String secretsKey) {}

  /**
   * Asks the manager for the store's group and the two keys, over mutual TLS with this node's manager certificate
   * (swarmkit's raft Join): both keys come sealed to a key pair made for this call, which never leaves memory.
   */
  static Future<ManagerKeys> managerKeys(Vertx vertx, JoinOptions o) {
    return managerKeys(vertx, o.dataDir(), HostPort.parse(o.manager()).socketAddress());
  }

  /** The same, from a manager's dispatcher at {@code manager}, for the node whose certificate is in {@code dataDir}. */
  static Future<ManagerKeys> managerKeys(Vertx vertx, Path dataDir, SocketAddress manager) {
    SealedBox.KeyPair joiner = SealedBox.generate();
    GrpcClient client = GrpcClient.client(vertx, NodeTls.inDataDir(dataDir).client(new HttpClientOptions()));
    return unary(client, manager, DispatcherMethods.JOIN_MANAGER_CLIENT,
            JoinManagerRequest.newBuilder().setPublicKey(ByteString.copyFrom(joiner.publicKey())).build())
        .eventually(client::close)
        .compose(r -> vertx.executeBlocking(() -> {
          JsonArray voters = new JsonArray();
          r.getVotersList().forEach(v -> voters.add(new JsonObject(v)));
          JsonObject offer = new JsonObject().put("groupId", r.getGroupId()).put("voters", voters)
              .put("dek", new JsonObject(r.getSealedStoreKey()));
          byte[] secretsKey = Envelope.openOfferedKey(joiner, new JsonObject(r.getSealedSecretsKey()));
          return new ManagerKeys(JoinOffer.open(offer, joiner), Aead.b64(secretsKey));
        }));
  }

  /** The role the node's certificate gives it: "worker" or "manager". Blocking. */
  static String role(Path dataDir) throws IOException {
    return NodeTls.peerOf(NodeTls.inDataDir(dataDir).certificate()).manager() ? "manager" : "worker";
  }

  static <Req, Resp> Future<Resp> unary(GrpcClient client, SocketAddress to, ServiceMethod<Resp, Req> method, Req message) {
    return client.request(to, method).compose(call -> {
      call.end(message);
      return call.response();
    }).compose(response -> response.last().<Resp>transform(ar -> {
      if (response.status() != null && response.status() != GrpcStatus.OK) {
        String why = response.statusMessage() != null ? response.statusMessage() : response.status().toString();
        return Future.failedFuture(new JoinRefused(why));
      }
      return ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause());
    }));
  }

  /** A refusal by the manager or by the node's own checks, with the words the user sees. */
  static final class JoinRefused extends RuntimeException {
    JoinRefused(String message) { super(message, null, false, false); }
  }
}
