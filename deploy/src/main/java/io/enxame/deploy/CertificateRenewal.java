package io.enxame.deploy;

import io.enxame.secrets.pki.NodeKeys;
import io.enxame.shared.dispatcher.DispatcherMethods;
import io.enxame.shared.dispatcher.IssueNodeCertificateRequest;
import io.enxame.shared.net.Backoff;
import io.enxame.shared.tls.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Renews a certificate before it expires, as swarmkit's agents do: at a random point between 50 % and 80 % of its
 * lifetime (so a swarm's nodes do not all renew at once), with a new key. Every TLS user reads its files again when
 * they change ({@link io.enxame.shared.tls.NodeKeyManager}), so nothing restarts. Node certificates are renewed
 * through the dispatcher ({@link #node}); the gateway's through the control plane's bus
 * ({@link ControlPlaneCertificates#gatewayRenewal}).
 */
final class CertificateRenewal extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewal.class);

  /** What the CA answered: its root (PEM, as the node keeps it) and the new certificate. */
  record Issued(String ca, String cert) {}

  /** Asks the CA for a certificate for the new key. */
  interface Issuer {
    Future<Issued> issue(Vertx vertx, NodeKeys keys);
  }

  private final String what;
  private final NodeTls tls;
  private final Issuer issuer;
  private final Backoff retries = new Backoff(1_000, 60_000);
  private long timer = -1;
  private Promise<Void> inFlight;

  NodeTls files() { return tls; }

  CertificateRenewal(String what, NodeTls tls, Issuer issuer) {
    this.what = what;
    this.tls = tls;
    this.issuer = issuer;
  }

  /**
   * A node's certificate, renewed through the dispatcher with no token: the dispatcher takes the node ID from the
   * certificate the connection presents and the role from the node's spec. A new connection each time.
   */
  static CertificateRenewal node(NodeTls tls, SocketAddress dispatcher) {
    return new CertificateRenewal("node certificate", tls, (vertx, keys) -> {
      GrpcClient client = GrpcClient.client(vertx, tls.client(new HttpClientOptions()));
      return NodeJoin.unary(client, dispatcher, DispatcherMethods.ISSUE_CERT_CLIENT,
              IssueNodeCertificateRequest.newBuilder().setCsr(keys.csrPem()).build())
          .map(issued -> new Issued(issued.getCa(), issued.getCertificate()))
          .eventually(client::close);
    });
  }

  @Override
  public Future<?> start() {
    return schedule();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private Future<Void> schedule() {
    return vertx.executeBlocking(tls::certificate).map(cert -> {
      Duration wait = untilRenewal(cert, Instant.now(), ThreadLocalRandom.current().nextDouble(0.5, 0.8));
      timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> renewNow());
      LOG.info("{} valid until {}; renewal in {} s", what, cert.getNotAfter().toInstant(), wait.toSeconds());
      return null;
    });
  }

  /**
   * Renews now (a root rotation asks for it; the timer does at its time), retrying with backoff until it succeeds;
   * a renewal already under way is the one returned. Then the next one is scheduled.
   */
  Future<Void> renewNow() {
    // Callers (TrustFollower) run on other contexts: the renewal's state is this verticle's alone.
    if (Vertx.currentContext() != context) {
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> renewNow().onComplete(done));
      return done.future();
    }
    if (inFlight != null) return inFlight.future();
    vertx.cancelTimer(timer);
    inFlight = Promise.promise();
    Future<Void> done = inFlight.future();
    attempt();
    return done;
  }

  private void attempt() {
    renewOnce(vertx, tls, issuer)
        .compose(v -> {
          retries.reset();
          LOG.info("{} renewed", what);
          Promise<Void> finished = inFlight;
          inFlight = null;
          finished.complete();
          return schedule();
        })
        .onFailure(e -> {
          if (inFlight == null) return; // renewed; only the next schedule failed
          long delay = retries.next();
          LOG.warn("cannot renew the {} ({}); next attempt in {} ms", what, e.getMessage(), delay);
          timer = vertx.setTimer(delay, t -> attempt());
        });
  }

  /** One renewal: a new key, a certificate for it from the CA, and the files (the CA file with them) written. */
  static Future<Void> renewOnce(Vertx vertx, NodeTls tls, Issuer issuer) {
    return vertx.executeBlocking(NodeKeys::generate)
        .compose(keys -> issuer.issue(vertx, keys).compose(issued -> vertx.executeBlocking(() -> {
          ControlPlaneCertificates.save(tls, issued.ca(), keys, issued.cert());
          return null;
        })));
  }

  /**
   * How long until a certificate should be renewed: at {@code fraction} of the lifetime the CA gave it (its validity
   * less the CA's backdating), or now when that point has passed.
   */
  static Duration untilRenewal(X509Certificate cert, Instant now, double fraction) {
    Instant notAfter = cert.getNotAfter().toInstant();
    Instant issued = cert.getNotBefore().toInstant().plus(NodeTls.CERT_BACKDATE);
    if (issued.isAfter(notAfter)) issued = cert.getNotBefore().toInstant();
    Duration lifetime = Duration.between(issued, notAfter);
    Instant at = issued.plusMillis((long) (lifetime.toMillis() * fraction));
    return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
  }
}
