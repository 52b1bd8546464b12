package io.enxame.shared.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Presents this node's certificate in every handshake, client or server side, reading its files again whenever the
 * certificate file changes: a renewed certificate (or one under a rotated root) is used by the next connection,
 * without restarting the component. Until the files exist, it presents the {@code fallback} identity, if any.
 */
public final class NodeKeyManager extends X509ExtendedKeyManager {
  /** A private key and the certificate chain that goes with it. */
  public record Identity(PrivateKey key, X509Certificate[] chain) {}

  private record Loaded(FileTime modified, long size, Identity identity, String alias) {}

  private final Path certFile;
  private final Path keyFile;
  private final Identity fallback;
  private volatile Loaded loaded;
  private int generation;

  public NodeKeyManager(NodeTls files, Optional<Identity> fallback) {
    this.certFile = Path.of(files.certPath());
    this.keyFile = Path.of(files.keyPath());
    this.fallback = fallback.orElse(null);
  }

  /** The identity the next handshake presents, or null when there is none yet. */
  public Identity current() {
    Loaded l = refreshed();
    return l != null ? l.identity() : fallback;
  }

  private String alias() {
    Loaded l = refreshed();
    return l != null ? l.alias() : fallback != null ? "bootstrap" : null;
  }

  /** The alias when the key suits one of the key types the handshake asks for ("EC", "EC_EC", "RSA"...), else null. */
  private String alias(String... keyTypes) {
    String alias = alias();
    Identity identity = alias == null ? null : byAlias(alias);
    if (identity == null || keyTypes == null) return alias;
    String algorithm = identity.key().getAlgorithm();
    for (String type : keyTypes) {
      if (type != null && (type.equals(algorithm) || type.startsWith(algorithm + "_"))) return alias;
    }
    return null;
  }

  private synchronized Loaded refreshed() {
    try {
      if (!Files.exists(certFile)) return null;
      FileTime modified = Files.getLastModifiedTime(certFile);
      long size = Files.size(certFile);
      Loaded l = loaded;
      if (l != null && l.modified().equals(modified) && l.size() == size) return l;
      Identity identity = new Identity(NodeKeyMaterial.privateKey(keyFile),
          NodeKeyMaterial.certificates(certFile).toArray(X509Certificate[]::new));
      // Read between the renewal's writes of the key and of the certificate: keep what worked, try again next time.
      if (!NodeKeyMaterial.matches(identity.key(), identity.chain()[0])) return l;
      // A new alias per reload: TLS stacks that cache by alias pick the new certificate up.
      loaded = new Loaded(modified, size, identity, "node-" + ++generation);
      return loaded;
    } catch (IOException e) {
      // Half-written files cannot happen (they are replaced whole); unreadable ones are a broken data dir.
      throw new UncheckedIOException(e);
    }
  }

  private Identity byAlias(String alias) {
    Loaded l = loaded;
    if (l != null && l.alias().equals(alias)) return l.identity();
    return "bootstrap".equals(alias) ? fallback : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) { return aliases(keyType); }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return alias(keyType); }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) { return alias(keyType); }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) { return aliases(keyType); }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) { return alias(keyType); }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) { return alias(keyType); }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Identity identity = byAlias(alias);
    return identity == null ? null : identity.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Identity identity = byAlias(alias);
    return identity == null ? null : identity.key();
  }

  private String[] aliases(String keyType) {
    String alias = alias(keyType);
    return alias == null ? null : new String[] {alias};
  }
}
