package io.enxame.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpOptionsTest {
  @Test
  void theBridgeListensOn7000UnlessToldOtherwise() {
    assertThat(UpOptions.parse(new String[0]).bridgePort()).isEqualTo(7000);
    assertThat(UpOptions.parse(new String[] {"--bridge-port", "7100"}).bridgePort()).isEqualTo(7100);
    assertThat(UpOptions.parse(new String[] {"--bridge-port=off", "--port", "2400"})).satisfies(o -> {
      assertThat(o.bridgePort()).isEqualTo(UpOptions.NO_BRIDGE);
      assertThat(o.gatewayPort()).isEqualTo(2400);
    });
    assertThatThrownBy(() -> UpOptions.parse(new String[] {"--bridge-port", "70000"}))
        .hasMessage("--bridge-port must be a port number (0-65535): 70000");
  }

  @Test
  void theMeshServesMetricsOnlyWhereToldTo() {
    assertThat(UpOptions.parse(new String[0]).metricsAddr()).isNull();
    assertThat(UpOptions.parse(new String[] {"--metrics-addr", "127.0.0.1:9323"}).metricsAddr()).isEqualTo("127.0.0.1:9323");
    assertThat(JoinOptions.parse(new String[] {"--metrics-addr=[::1]:9323", "10.0.0.1"}).up().metricsAddr()).isEqualTo("[::1]:9323");
    assertThatThrownBy(() -> UpOptions.parse(new String[] {"--metrics-addr", "9323"}))
        .hasMessage("--metrics-addr must be HOST:PORT: 9323");
    assertThatThrownBy(() -> UpOptions.parse(new String[] {"--metrics-addr", "127.0.0.1:70000"}))
        .hasMessage("--metrics-addr must be a port number (0-65535): 70000");
  }
}
