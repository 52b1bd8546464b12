package io.enxame.shared.tls;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A node's TLS material, as swarmkit lays it out in {@code <data dir>/certificates}: the swarm's root CA
 * ({@code swarm-root-ca.crt}), the node's certificate ({@code swarm-node.crt}) and its key ({@code swarm-node.key},
 * 0600). Config form: {@code {"ca": path, "cert": path, "key": path}}. Peers are identified by their certificate:
 * CN = node ID, OU = role ({@code swarm-worker}/{@code swarm-manager}), O = cluster ID.
 */
public record NodeTls(String caPath, String certPath, String keyPath) {
  public static final String DIR = "certificates";
  public static final String ROOT_CA = "swarm-root-ca.crt";
  public static final String NODE_CERT = "swarm-node.crt";
  public static final String NODE_KEY = "swarm-node.key";
  public static final String BUS_CA = "swarm-bus-ca.crt";
  public static final String BUS_CERT = "swarm-bus.crt";
  public static final String BUS_KEY = "swarm-bus.key";
  public static final String WORKER_OU = "swarm-worker";
  public static final String MANAGER_OU = "swarm-manager";
  /** The CN prefix of a user's client certificate (a client bundle), which names no node. */
  public static final String CLIENT_PREFIX = "client-";
  /**
   * CN prefix of a control-plane service process's certificate ({@code enxame api-gateway}): a manager identity on the
   * clustered bus that names no node, so the dispatcher and the gateway's node check refuse it.
   */
  public static final String COMPONENT_PREFIX = "component-";
  /** How long before its issuance the CA dates a certificate's start, for clocks that run behind (as swarmkit's). */
  public static final Duration CERT_BACKDATE = Duration.ofHours(1);

  /** The material in a data dir's {@code certificates} folder. */
  public static NodeTls inDataDir(Path dataDir) {
    Path dir = dataDir.resolve(DIR);
    return new NodeTls(dir.resolve(ROOT_CA).toString(), dir.resolve(NODE_CERT).toString(), dir.resolve(NODE_KEY).toString());
  }

  /** A control-plane process's certificate for the clustered bus, its key and the bus CA ({@code certificates/bus*}). */
  public static NodeTls busInDataDir(Path dataDir) {
    Path dir = dataDir.resolve(DIR);
    return new NodeTls(dir.resolve(BUS_CA).toString(), dir.resolve(BUS_CERT).toString(), dir.resolve(BUS_KEY).toString());
  }

  /** From a verticle config's {@code "tls"} object; empty when the service runs without TLS (tests on loopback). */
  public static Optional<NodeTls> fromConfig(JsonObject tls) {
    if (tls == null) return Optional.empty();
    return Optional.of(new NodeTls(tls.getString("ca"), tls.getString("cert"), tls.getString("key")));
  }

  /** The node's certificate, as it is on disk now. Blocking. */
  public X509Certificate certificate() throws IOException {
    return NodeKeyMaterial.certificates(Path.of(certPath)).get(0);
  }

  public JsonObject toConfig() {
    return new JsonObject().put("ca", caPath).put("cert", certPath).put("key", keyPath);
  }

  /**
   * A server that trusts only the swarm's root. Client certificates are requested, not required, so that the join
   * path (no certificate yet) shares the port; every other method checks {@link #peer} itself. The files are read
   * again when they change ({@link NodeKeyManager}, {@link SwarmTrustManager}): a renewed certificate or a rotated
   * root serves the next connection without a restart.
   */
  public HttpServerOptions server(HttpServerOptions options) {
    return options.setSsl(true).setUseAlpn(true).setClientAuth(ClientAuth.REQUEST)
        .setKeyCertOptions(KeyCertOptions.wrap(new NodeKeyManager(this, Optional.empty())))
        .setTrustOptions(TrustOptions.wrap(new SwarmTrustManager(this, null, Set.of())));
  }

  /**
   * A client presenting this node's certificate and trusting only the swarm's root, both read again when their files
   * change. Server names are not checked (managers are reached by IP and their certificates name their role and ID,
   * as swarmkit's); callers check that the peer is a manager with {@link #peer}.
   */
  public HttpClientOptions client(HttpClientOptions options) {
    return options.setSsl(true).setUseAlpn(true).setVerifyHost(false)
        .setKeyCertOptions(KeyCertOptions.wrap(new NodeKeyManager(this, Optional.empty())))
        .setTrustOptions(TrustOptions.wrap(new SwarmTrustManager(this, null, Set.of())));
  }

  /**
   * The clustered event bus: mutual TLS both ways, on the material of {@link #busInDataDir} — the bus CA (which signs
   * for the control plane only) as the one trust anchor, so neither a worker's certificate nor a user's, which the
   * swarm's root signs, is a bus identity. Vert.x builds the bus's servers and clients from these options' JSON form,
   * which keeps PEM paths but no key or trust managers: the files are read when the bus starts.
   */
  public EventBusOptions bus(EventBusOptions options) {
    options.setSsl(true).setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath))
        .setTrustOptions(new PemTrustOptions().addCertPath(caPath));
    return options;
  }

  /** Who is on the other end of a connection whose certificate the handshake verified against the swarm's root. */
  public record Peer(String nodeId, String role, String clusterId) {
    public boolean manager() { return MANAGER_OU.equals(role); }

    /** A user's client certificate rather than a node's. */
    public boolean user() { return nodeId != null && nodeId.startsWith(CLIENT_PREFIX); }

    /** A control-plane service process's certificate rather than a node's. */
    public boolean component() { return nodeId != null && nodeId.startsWith(COMPONENT_PREFIX); }
  }

  /** The verified peer, or empty when it presented no certificate (or the connection is not TLS). */
  public static Optional<Peer> peer(HttpConnection connection) {
    if (connection == null || !connection.isSsl()) return Optional.empty();
    try {
      List<Certificate> chain = connection.peerCertificates();
      if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate cert)) return Optional.empty();
      return Optional.of(peerOf(cert));
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  public static Peer peerOf(X509Certificate cert) {
    String cn = null, ou = null, o = null;
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        switch (rdn.getType().toUpperCase()) {
          case "CN" -> cn = rdn.getValue().toString();
          case "OU" -> ou = rdn.getValue().toString();
          case "O" -> o = rdn.getValue().toString();
          default -> { }
        }
      }
    } catch (InvalidNameException e) {
      throw new IllegalArgumentException("unreadable certificate subject", e);
    }
    return new Peer(cn, ou, o);
  }
}
