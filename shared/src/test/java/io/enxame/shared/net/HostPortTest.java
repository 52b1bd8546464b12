package io.enxame.shared.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {
  @Test
  void readsHostsPortsBracketedIpv6AndDefaults() {
    assertThat(HostPort.parse("127.0.0.2:2377")).isEqualTo(new HostPort("127.0.0.2", 2377));
    assertThat(HostPort.parse("[::1]:2377")).isEqualTo(new HostPort("::1", 2377));
    assertThat(HostPort.parse("[::1]:2377").toString()).isEqualTo("[::1]:2377");
    assertThat(HostPort.parse("manager-1", 2377)).isEqualTo(new HostPort("manager-1", 2377));
    assertThat(HostPort.parse("10.0.0.1:12377", 2377).port()).isEqualTo(12377);
  }

  @Test
  void refusesWhatIsNotAnAddress() {
    assertThatThrownBy(() -> HostPort.parse("127.0.0.1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostPort.parse("127.0.0.1:port")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostPort.parse(":2377")).isInstanceOf(IllegalArgumentException.class);
  }
}
