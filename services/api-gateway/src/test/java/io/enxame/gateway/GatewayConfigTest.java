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

  @Test
  void plaintextListensOnTheAdvertisedAddressOnlyWhenItIsLoopback() {
    for (String loopback : new String[] {"127.0.0.1", "127.0.0.2", "127.1.2.3", "::1", "localhost"}) {
      assertThat(GatewayConfig.plaintextHost(loopback)).as(loopback).isEqualTo(loopback);
    }
    for (String other : new String[] {"10.1.2.3", "192.168.0.7", "0.0.0.0", "::", "fe80::1", "manager.example"}) {
      assertThat(GatewayConfig.plaintextHost(other)).as(other).isEqualTo("127.0.0.1");
    }
    // TLS (and the bridge's TLS) stay on the advertised address.
    GatewayConfig remote = GatewayConfig.fromJson(config("10.1.2.3").put("tls", TLS));
    assertThat(remote.plaintextHost()).isEqualTo("127.0.0.1");
    assertThat(remote.host()).isEqualTo("10.1.2.3");
    assertThat(GatewayConfig.fromJson(config("127.0.0.2")).plaintextHost()).isEqualTo("127.0.0.2");
  }

  private static JsonObject config(String host) {
    return new JsonObject().put("nodeId", "n").put("host", host).put("bridgePort", 7000);
  }
}
