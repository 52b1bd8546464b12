package io.enxame.shared.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Trusts a peer whose certificate chains to the swarm's root (the CA file, read again when it changes, so a rotated
 * root is trusted by the next handshake) and, when a role is required, whose certificate names that role (OU,
 * swarmkit's {@code swarm-manager}/{@code swarm-worker}); also any certificate pinned exactly (this process's own
 * bootstrap identity). Peers are not checked by host name: managers are reached by IP and named by their ID and role,
 * as swarmkit does; which node it is, is the caller's business ({@link NodeTls#peerOf}).
 */
public final class SwarmTrustManager extends X509ExtendedTrustManager {
  private record Roots(FileTime modified, long size, X509TrustManager pkix, X509Certificate[] issuers) {}

  private final Path caFile;
  private final String requiredRole;
  private final Set<X509Certificate> pinned;
  private volatile Roots roots;

  /** {@code requiredRole}: {@link NodeTls#MANAGER_OU}, {@link NodeTls#WORKER_OU}, or null for any node of the swarm. */
  public SwarmTrustManager(NodeTls files, String requiredRole, Set<X509Certificate> pinned) {
    this.caFile = Path.of(files.caPath());
    this.requiredRole = requiredRole;
    this.pinned = Set.copyOf(pinned);
  }

  private void check(X509Certificate[] chain, String authType, boolean client) throws CertificateException {
    if (chain == null || chain.length == 0) throw new CertificateException("no certificate");
    if (pinned.contains(chain[0])) return;
    X509TrustManager pkix = roots().pkix();
    if (pkix == null) throw new CertificateException("this node has no swarm root CA yet");
    if (client) pkix.checkClientTrusted(chain, authType);
    else pkix.checkServerTrusted(chain, authType);
    if (requiredRole != null) {
      String role = NodeTls.peerOf(chain[0]).role();
      if (!requiredRole.equals(role)) {
        throw new CertificateException("a " + requiredRole + " certificate is required, this one is for " + role);
      }
    }
  }

  private synchronized Roots roots() {
    try {
      if (!Files.exists(caFile)) return new Roots(null, -1, null, new X509Certificate[0]);
      FileTime modified = Files.getLastModifiedTime(caFile);
      long size = Files.size(caFile);
      Roots r = roots;
      if (r != null && modified.equals(r.modified()) && size == r.size()) return r;
      List<X509Certificate> anchors = NodeKeyMaterial.certificates(caFile);
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) store.setCertificateEntry("root-" + i, anchors.get(i));
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      X509TrustManager pkix = Arrays.stream(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance)
          .map(X509TrustManager.class::cast).findFirst().orElseThrow();
      roots = new Roots(modified, size, pkix, anchors.toArray(X509Certificate[]::new));
      return roots;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the swarm's root CA from " + caFile, e);
    }
  }

  // The three-argument PKIX checks (no host name identification) are used on purpose by the socket and engine
  // variants: peers are identified by the certificate's role and node ID, not by a name.
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain, authType, true); }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain, authType, false); }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, authType, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, authType, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, authType, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, authType, false);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    X509Certificate[] issuers = roots().issuers();
    if (pinned.isEmpty()) return issuers.clone();
    X509Certificate[] all = Arrays.copyOf(issuers, issuers.length + pinned.size());
    int i = issuers.length;
    for (X509Certificate p : pinned) all[i++] = p;
    return all;
  }
}
