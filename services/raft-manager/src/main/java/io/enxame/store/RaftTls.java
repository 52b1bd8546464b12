package io.enxame.store;

import io.enxame.shared.tls.NodeKeyManager;
import io.enxame.shared.tls.NodeTls;
import io.enxame.shared.tls.SwarmTrustManager;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;

/**
 * Mutual TLS on every Raft connection (member to member, and this member's client to the group): each side presents
 * its node certificate and accepts only a manager certificate of the swarm's root ({@link SwarmTrustManager} with
 * {@link NodeTls#MANAGER_OU}), so neither a worker nor anything outside the swarm can speak Raft. Both managers read
 * their files again when they change, so a renewed certificate or a rotated root needs no restart.
 *
 * <p>The first manager of a new swarm starts its store before the swarm has a CA (the CA's key is kept in the
 * store): until its node certificate is written, it presents a self-signed identity made in memory for this process
 * and trusts exactly that one. Only its own client can use it; a group of one has no other traffic, and no manager
 * can join before the CA exists.
 */
final class RaftTls {
  private RaftTls() {}

  /** Ratis parameters for the server and every client of one member: TLS when {@code files} are given. */
  static Parameters parameters(Optional<NodeTls> files) {
    Parameters parameters = new Parameters();
    files.ifPresent(f -> GrpcConfigKeys.TLS.setConf(parameters, config(f)));
    return parameters;
  }

  private static GrpcTlsConfig config(NodeTls files) {
    Optional<NodeKeyManager.Identity> bootstrap = Files.exists(Path.of(files.certPath())) ? Optional.empty() : Optional.of(selfSigned());
    Set<X509Certificate> pinned = bootstrap.map(b -> Set.of(b.chain()[0])).orElse(Set.of());
    return new GrpcTlsConfig(new NodeKeyManager(files, bootstrap), new SwarmTrustManager(files, NodeTls.MANAGER_OU, pinned), true);
  }

  private static NodeKeyManager.Identity selfSigned() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      X500Name name = new X500Name("CN=raft-bootstrap");
      Instant now = Instant.now();
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
          new BigInteger(127, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
          name, keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      return new NodeKeyManager.Identity(keys.getPrivate(), new X509Certificate[] {cert});
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the bootstrap identity for Raft", e);
    }
  }
}
