package io.enxame.deploy;

import java.nio.charset.StandardCharsets;
import io.enxame.shared.files.AtomicFiles;
import io.enxame.secrets.pki.NodeKeys;
import io.enxame.shared.bus.Addresses;
import io.enxame.shared.model.Ids;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The certificates a node running the control plane ({@code enxame up}) issues itself at init, through the bus
 * to the secrets service of the same process (the bus is the trusted side: no token). Each is kept in the data dir
 * and reused on later starts:
 * <ul>
 *   <li>its node certificate ({@link NodeTls#inDataDir}): the dispatcher's server certificate and its agent's;</li>
 *   <li>the gateway's ({@code certificates/gateway.crt|key}): a manager certificate whose names include the IP
 *       addresses the docker CLI reaches it by, since {@code --tlsverify} checks them;</li>
 *   <li>a client bundle ({@code client/ca.pem, cert.pem, key.pem}, what {@code docker --tlsverify} reads): a
 *       manager-role certificate for a user, which the dispatcher refuses (it names no node).</li>
 * </ul>
 */
final class ControlPlaneCertificates {
  static final String CLIENT_DIR = "client";

  private ControlPlaneCertificates() {}

  static Future<NodeTls> node(Vertx vertx, Path dataDir, String nodeId) {
    NodeTls tls = NodeTls.inDataDir(dataDir);
    return ensure(vertx, tls, nodeId, List.of());
  }

  /** A manager's certificate for its clustered bus ({@link NodeTls#busInDataDir}), from the bus CA. */
  static Future<NodeTls> bus(Vertx vertx, Path dataDir, String nodeId) {
    return ensure(vertx, NodeTls.busInDataDir(dataDir), nodeId, List.of(), true);
  }

  static Future<NodeTls> gateway(Vertx vertx, Path dataDir, String nodeId, List<String> ips) {
    return ensure(vertx, gatewayFiles(dataDir), nodeId, ips);
  }

  static NodeTls gatewayFiles(Path dataDir) {
    NodeTls node = NodeTls.inDataDir(dataDir);
    Path dir = Path.of(node.certPath()).getParent();
    return new NodeTls(node.caPath(), dir.resolve("gateway.crt").toString(), dir.resolve("gateway.key").toString());
  }

  static Future<NodeTls> clientBundle(Vertx vertx, Path dataDir) {
    return ensure(vertx, bundle(dataDir), NodeTls.CLIENT_PREFIX + Ids.newId(), List.of());
  }

  /** Where {@code enxame up} keeps the client bundle. */
  static NodeTls bundle(Path dataDir) {
    Path dir = dataDir.resolve(CLIENT_DIR);
    return new NodeTls(dir.resolve("ca.pem").toString(), dir.resolve("cert.pem").toString(), dir.resolve("key.pem").toString());
  }

  /** The gateway's certificate, renewed as node certificates are, through the bus with the same names. */
  static CertificateRenewal gatewayRenewal(Path dataDir, String nodeId, List<String> ips) {
    return renewal("gateway certificate", gatewayFiles(dataDir), nodeId, ips);
  }

  /** A control-plane certificate ({@code what}, in {@code files}) renewed through the bus with the same name and IPs. */
  static CertificateRenewal renewal(String what, NodeTls files, String name, List<String> ips) {
    return new CertificateRenewal(what, files, (vertx, keys) -> issue(vertx, keys, name, ips));
  }

  /** A new certificate for the client bundle, with the name the current one has (a root rotation renews it). */
  static Future<Void> renewBundle(Vertx vertx, Path dataDir) {
    NodeTls bundle = bundle(dataDir);
    return vertx.executeBlocking(() -> NodeTls.peerOf(bundle.certificate()).nodeId()).compose(name ->
        CertificateRenewal.renewOnce(vertx, bundle, (v, keys) -> issue(v, keys, name, List.of())));
  }

  private static Future<NodeTls> ensure(Vertx vertx, NodeTls target, String nodeId, List<String> ips) {
    return ensure(vertx, target, nodeId, ips, false);
  }

  private static Future<NodeTls> ensure(Vertx vertx, NodeTls target, String nodeId, List<String> ips, boolean bus) {
    if (Files.exists(Path.of(target.certPath()))) return Future.succeededFuture(target);
    return vertx.executeBlocking(NodeKeys::generate).compose(keys -> issue(vertx, keys, nodeId, ips, bus)
        .compose(issued -> vertx.executeBlocking(() -> {
          save(target, issued.ca(), keys, issued.cert());
          return target;
        })));
  }

  /** A manager-role certificate from the secrets service of this process (the bus is the trusted side: no token). */
  private static Future<CertificateRenewal.Issued> issue(Vertx vertx, NodeKeys keys, String nodeId, List<String> ips) {
    return issue(vertx, keys, nodeId, ips, false);
  }

  private static Future<CertificateRenewal.Issued> issue(Vertx vertx, NodeKeys keys, String nodeId, List<String> ips, boolean bus) {
    return vertx.eventBus().<JsonObject>request(Addresses.SECRETS_ISSUE_NODE_CERT, new JsonObject().put("csr", keys.csrPem())
            .put("nodeId", nodeId).put("role", "manager").put("ips", new JsonArray(ips)).put("bus", bus))
        .map(Message::body).map(reply -> new CertificateRenewal.Issued(reply.getString("ca"), reply.getString("cert")));
  }

  /** Key 0600, certificates 0644, each written whole. */
  static void save(NodeTls target, String ca, NodeKeys keys, String cert) throws IOException {
    Files.createDirectories(Path.of(target.certPath()).getParent());
    AtomicFiles.write(Path.of(target.caPath()), ca.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
    AtomicFiles.write(Path.of(target.keyPath()), keys.keyPem().getBytes(StandardCharsets.UTF_8), "rw-------");
    AtomicFiles.write(Path.of(target.certPath()), cert.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
  }
}
