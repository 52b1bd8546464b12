package io.enxame.shared.tls;

import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * What every node's TLS material must be, read from the cluster object: the CA file's content and the CA key that must
 * have signed its certificate. Outside a root rotation: the root ({@code TLSInfo.TrustRoot}) and its key. During one
 * ({@code docker swarm ca --rotate}; the cluster's {@link #ROTATION} field, an Enxame field beside Docker's
 * {@code RootRotationInProgress}): both roots, old then new, and the new root's key, which signs every certificate
 * issued from then on.
 */
public record SwarmTrust(String ca, String issuerSubject, String issuerPublicKey) {
  /** The cluster's {@code {"CACert": PEM, "CertIssuerSubject", "CertIssuerPublicKey"}} of the root being rotated to. */
  public static final String ROTATION = "RootRotation";

  /** Empty before the swarm has a root CA. */
  public static Optional<SwarmTrust> of(JsonObject cluster) {
    String root = Json.string(cluster, "TLSInfo.TrustRoot");
    if (root == null || root.isEmpty()) return Optional.empty();
    JsonObject rotation = cluster.getJsonObject(ROTATION);
    if (rotation != null) {
      return Optional.of(new SwarmTrust(root + rotation.getString("CACert"), rotation.getString("CertIssuerSubject"),
          rotation.getString("CertIssuerPublicKey")));
    }
    return Optional.of(new SwarmTrust(root, Json.string(cluster, "TLSInfo.CertIssuerSubject"), Json.string(cluster, "TLSInfo.CertIssuerPublicKey")));
  }

  /** The bus form: {@code {"ca", "issuerSubject", "issuerPublicKey"}}. */
  public JsonObject toJson() {
    return new JsonObject().put("ca", ca).put("issuerSubject", issuerSubject).put("issuerPublicKey", issuerPublicKey);
  }

  public static SwarmTrust fromJson(JsonObject json) {
    return new SwarmTrust(json.getString("ca"), json.getString("issuerSubject"), json.getString("issuerPublicKey"));
  }

  /** Whether a certificate with this Docker-shaped {@code TLSInfo} ({@link NodeTlsInfo}) was issued by the wanted key. */
  public boolean issued(JsonObject tlsInfo) {
    return tlsInfo != null && issuerSubject.equals(tlsInfo.getString("CertIssuerSubject"))
        && issuerPublicKey.equals(tlsInfo.getString("CertIssuerPublicKey"));
  }

  /** Whether a node with this {@code TLSInfo} holds exactly the wanted CA file and a certificate from the wanted key. */
  public boolean heldBy(JsonObject tlsInfo) {
    return issued(tlsInfo) && ca.equals(tlsInfo.getString("TrustRoot"));
  }
}
