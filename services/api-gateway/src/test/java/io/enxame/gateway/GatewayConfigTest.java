package io.enxame.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest {
  private static final JsonObject TLS = new JsonObject().put("ca", "ca.pem").put("cert", "cert.pem").put("key", "key.pem");

  @Test
  void theBridgeIsOffUnlessAPortIsGiven() {
    assertThat(GatewayConfig.fromJson(new JsonObject().put("nodeId", "n")).bridgePort()).isNegative();
  }

  @Test
  void theBridgeIsPlaintextOnLoopbackAndTlsElsewhere() {
    for (String host : new String[] {"127.0.0.1", "127.0.0.2", "localhost", "::1"}) {
      assertThat(GatewayConfig.fromJson(config(host).put("tls", TLS)).bridgeTlsFiles()).as(host).isEmpty();
      assertThat(GatewayConfig.fromJson(config(host)).bridgeTlsFiles()).as(host).isEmpty();
    }
    GatewayConfig remote = GatewayConfig.fromJson(config("10.1.2.3").put("tls", TLS));
    assertThat(remote.bridgeTlsFiles()).isPresent();
    assertThat(GatewayConfig.fromJson(config("127.0.0.1").put("tls", TLS).put("bridgeTls", true)).bridgeTlsFiles()).isPresent();
  }

  @Test
  void refusesPlaintextOffLoopbackAndTlsWithoutCertificates() {
    assertThatThrownBy(() -> GatewayConfig.fromJson(config("10.1.2.3")))
        .hasMessage("the event-bus bridge on 10.1.2.3 needs the gateway's \"tls\" certificates");
    assertThatThrownBy(() -> GatewayConfig.fromJson(config("0.0.0.0").put("tls", TLS).put("bridgeTls", false)))
        .hasMessage("the event-bus bridge serves plaintext on loopback only, not on 0.0.0.0");
    assertThatThrownBy(() -> GatewayConfig.fromJson(config("manager.example").put("tls", TLS).put("bridgeTls", false)))
        .hasMessageContaining("loopback only");
    assertThatThrownBy(() -> GatewayConfig.fromJson(config("127.0.0.1").put("bridgeTls", true)))
        .hasMessageContaining("needs the gateway's \"tls\"");
  }

  private static JsonObject config(String host) {
    return new JsonObject().put("nodeId", "n").put("host", host).put("bridgePort", 7000);
  }
}
