package io.enxame.deploy;

import io.enxame.shared.testing.TestPki;
import io.enxame.shared.tls.NodeTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateRenewalTest {
  @TempDir Path dir;

  @Test
  void renewsAtTheGivenFractionOfTheLifetimeTheCaMeantNotCountingItsBackdating() throws Exception {
    Instant issued = Instant.parse("2026-01-01T00:00:00Z");
    X509Certificate cert = TestPki.create("c").issue(dir, "n1", NodeTls.WORKER_OU, issued.minus(NodeTls.CERT_BACKDATE),
        issued.plus(Duration.ofDays(90))).certificate();
    assertThat(CertificateRenewal.untilRenewal(cert, issued, 0.5)).isEqualTo(Duration.ofDays(45));
    assertThat(CertificateRenewal.untilRenewal(cert, issued.plus(Duration.ofDays(10)), 0.8)).isEqualTo(Duration.ofDays(62));
    assertThat(CertificateRenewal.untilRenewal(cert, issued.plus(Duration.ofDays(80)), 0.8)).isEqualTo(Duration.ZERO);
  }
}
