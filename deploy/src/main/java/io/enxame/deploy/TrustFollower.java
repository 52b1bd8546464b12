package io.enxame.deploy;

import io.enxame.shared.bus.Addresses;
import io.enxame.shared.files.AtomicFiles;
import io.enxame.shared.tls.NodeTls;
import io.enxame.shared.tls.NodeTlsInfo;
import io.enxame.shared.tls.SwarmTrust;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Brings one set of certificate files under the swarm's trust ({@link SwarmTrust}, from the dispatcher's
 * {@code Trust} message): a certificate that the wanted CA key did not sign is renewed now (during a root rotation the
 * CA answers with the new root's certificate and both roots); then a CA file that differs from the wanted one is
 * replaced (when the rotation is over, the old root leaves it). The TLS users read the files again by themselves.
 */
final class TrustFollower {
  private static final Logger LOG = LoggerFactory.getLogger(TrustFollower.class);
  /** Renewals of a certificate still not from the wanted key (one that was under way when the rotation began). */
  private static final int ATTEMPTS = 3;

  private TrustFollower() {}

  /** The files' {@code TLSInfo} once they follow {@code trust}. */
  static Future<JsonObject> follow(Vertx vertx, NodeTls files, SwarmTrust trust, Supplier<Future<Void>> renew) {
    return renewUntilIssued(vertx, files, trust, renew, ATTEMPTS).compose(info -> trust.ca().equals(info.getString("TrustRoot"))
        ? Future.succeededFuture(info)
        : vertx.executeBlocking(() -> {
          AtomicFiles.write(Path.of(files.caPath()), trust.ca().getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
          return NodeTlsInfo.read(files);
        }));
  }

  private static Future<JsonObject> renewUntilIssued(Vertx vertx, NodeTls files, SwarmTrust trust, Supplier<Future<Void>> renew, int attempts) {
    return vertx.executeBlocking(() -> NodeTlsInfo.read(files)).compose(info -> {
      if (trust.issued(info)) return Future.succeededFuture(info);
      if (attempts == 0) return Future.failedFuture(new IllegalStateException(files.certPath() + " is still not from the swarm's CA key"));
      return renew.get().compose(v -> renewUntilIssued(vertx, files, trust, renew, attempts - 1));
    });
  }

  /**
   * A node's process: takes the agent's {@code Trust} relay ({@link Addresses#nodeTrust}), brings the control plane's
   * certificates of this process first ({@link Addresses#CONTROL_PLANE_TRUST}, on a manager), then the node's, and
   * hands the node's new {@code TLSInfo} to the agent, which reports it: a manager counts as rotated only once its
   * gateway is too. One trust at a time; the latest one that arrived meanwhile is followed next.
   */
  static final class Node extends VerticleBase {
    private final String nodeId;
    private final CertificateRenewal renewal;
    private SwarmTrust next;
    private boolean busy;
    private JsonObject reported;

    Node(String nodeId, CertificateRenewal renewal) {
      this.nodeId = nodeId;
      this.renewal = renewal;
    }

    @Override
    public Future<?> start() {
      vertx.eventBus().<JsonObject>localConsumer(Addresses.nodeTrust(nodeId), msg -> {
        next = SwarmTrust.fromJson(msg.body());
        if (!busy) followNext();
      });
      return Future.succeededFuture();
    }

    private void followNext() {
      SwarmTrust trust = next;
      next = null;
      if (trust == null) return;
      busy = true;
      vertx.eventBus().request(Addresses.CONTROL_PLANE_TRUST, trust.toJson(), ControlPlane.LOCAL)
          .recover(e -> {
            if (!(e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS)) {
              LOG.warn("control plane certificates: {}", e.getMessage());
            }
            return Future.succeededFuture();
          })
          .compose(v -> follow(vertx, renewal.files(), trust, renewal::renewNow))
          .onSuccess(info -> {
            if (info.equals(reported)) return;
            reported = info;
            vertx.eventBus().send(Addresses.nodeTlsInfo(nodeId), info, ControlPlane.LOCAL);
          })
          .onFailure(e -> LOG.warn("node certificate: {}", e.getMessage()))
          .onComplete(ar -> {
            busy = false;
            followNext();
          });
    }
  }

  /**
   * A manager's process ({@link Addresses#CONTROL_PLANE_TRUST}): the gateway's certificate (renewed as its
   * {@link CertificateRenewal} does) and the client bundle {@code enxame client-bundle} copies out (a new certificate
   * with the same name), so that {@code docker --tlsverify} keeps working across a rotation with a bundle taken after it.
   */
  static final class ControlPlane extends VerticleBase {
    static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(120_000);
    private final CertificateRenewal gateway;
    private final Path dataDir;

    ControlPlane(CertificateRenewal gateway, Path dataDir) {
      this.gateway = gateway;
      this.dataDir = dataDir;
    }

    @Override
    public Future<?> start() {
      vertx.eventBus().<JsonObject>localConsumer(Addresses.CONTROL_PLANE_TRUST, msg -> {
        SwarmTrust trust = SwarmTrust.fromJson(msg.body());
        follow(vertx, gateway.files(), trust, gateway::renewNow)
            .compose(v -> follow(vertx, ControlPlaneCertificates.bundle(dataDir), trust, () -> ControlPlaneCertificates.renewBundle(vertx, dataDir)))
            .onSuccess(v -> msg.reply(new JsonObject()))
            .onFailure(e -> msg.fail(500, e.getMessage()));
      });
      return Future.succeededFuture();
    }
  }
}
