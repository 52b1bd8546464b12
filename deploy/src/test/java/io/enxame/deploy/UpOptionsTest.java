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
}
