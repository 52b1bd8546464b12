package io.enxame.shared.tls;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Docker's {@code NodeDescription.TLSInfo} of a node's TLS files, as swarmkit's agents report it: {@code TrustRoot} is
 * the CA file's PEM; {@code CertIssuerSubject} and {@code CertIssuerPublicKey} (base64 DER) name the key that signed the
 * node's certificate, which {@code docker swarm ca --rotate} compares with the swarm's to follow a root rotation.
 */
public final class NodeTlsInfo {
  private NodeTlsInfo() {}

  /** Blocking. The issuer is looked for among the certificate file's chain, then the CA file's roots. */
  public static JsonObject read(NodeTls files) throws IOException {
    Path caFile = Path.of(files.caPath());
    List<X509Certificate> chain = NodeKeyMaterial.certificates(Path.of(files.certPath()));
    List<X509Certificate> candidates = new ArrayList<>(chain.subList(1, chain.size()));
    candidates.addAll(NodeKeyMaterial.certificates(caFile));
    X509Certificate leaf = chain.get(0);
    String issuerKey = candidates.stream().filter(c -> signed(c, leaf)).findFirst()
        .map(c -> Base64.getEncoder().encodeToString(c.getPublicKey().getEncoded())).orElse("");
    return new JsonObject().put("TrustRoot", Files.readString(caFile, StandardCharsets.US_ASCII))
        .put("CertIssuerSubject", Base64.getEncoder().encodeToString(leaf.getIssuerX500Principal().getEncoded()))
        .put("CertIssuerPublicKey", issuerKey);
  }

  private static boolean signed(X509Certificate issuer, X509Certificate cert) {
    if (!issuer.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) return false;
    try {
      cert.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
