package io.enxame.gateway.networks;

import io.enxame.shared.bus.Failures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkSpecsTest {

  private static JsonObject request(String name) {
    return new JsonObject().put("Name", name).put("Driver", "overlay");
  }

  private static JsonObject withIpam(JsonObject config) {
    return request("n").put("IPAM", new JsonObject().put("Driver", "default").put("Config", new JsonArray().add(config)));
  }

  @Test
  void storesTheRequestAsASwarmNetworkAndShowsItAsTheEngineDoes() {
    JsonObject stored = NetworkSpecs.fromCreateRequest(withIpam(new JsonObject().put("Subnet", "10.9.0.0/16")
        .put("IPRange", "10.9.1.0/24").put("Gateway", "10.9.0.1")).put("Attachable", true)
        .put("Labels", new JsonObject().put("a", "b")).put("Options", new JsonObject().put("encrypted", "")));
    assertThat(stored.getString("ID")).hasSize(25);
    assertThat(stored.getJsonObject("Spec").getString("Name")).isEqualTo("n");
    assertThat(stored.getJsonObject("DriverState").getString("Name")).isEqualTo("overlay");

    JsonObject view = NetworkViews.inspect(stored.put("CreatedAt", "2026-01-01T00:00:00Z"));
    assertThat(view.getString("Id")).isEqualTo(stored.getString("ID"));
    assertThat(view.getString("Scope")).isEqualTo("swarm");
    assertThat(view.getBoolean("Attachable")).isTrue();
    assertThat(view.getJsonObject("Options").getString("encrypted")).isEmpty();
    assertThat(view.getJsonObject("IPAM").getJsonArray("Config").getJsonObject(0))
        .isEqualTo(new JsonObject().put("Subnet", "10.9.0.0/16").put("IPRange", "10.9.1.0/24").put("Gateway", "10.9.0.1"));
  }

  @Test
  void ipamConfigsMustHoldTogether() {
    assertThat(NetworkSpecs.fromCreateRequest(withIpam(new JsonObject().put("Subnet", "fd00:1::/64").put("Gateway", "fd00:1::1"))))
        .isNotNull();
    assertRefused(withIpam(new JsonObject().put("Subnet", "10.9.0.0")), 400, "invalid subnet 10.9.0.0");
    assertRefused(withIpam(new JsonObject().put("Subnet", "example.com/24")), 400, "invalid subnet example.com/24");
    assertRefused(withIpam(new JsonObject().put("Subnet", "10.9.0.0/16").put("IPRange", "10.8.0.0/24")), 400,
        "subnet 10.9.0.0/16 does not contain range 10.8.0.0/24");
    assertRefused(withIpam(new JsonObject().put("Subnet", "10.9.0.0/16").put("IPRange", "10.9.0.0/8")), 400, "does not contain range");
    assertRefused(withIpam(new JsonObject().put("Subnet", "10.9.0.0/16").put("Gateway", "10.10.0.1")), 400,
        "subnet 10.9.0.0/16 does not contain gateway 10.10.0.1");
    assertRefused(withIpam(new JsonObject().put("Subnet", "10.9.0.0/16").put("Gateway", "fd00::1")), 400, "does not contain gateway");
    assertRefused(request("n").put("IPAM", new JsonObject().put("Driver", "dhcp")), 400, "IPAM driver \"dhcp\" is not supported");
  }

  @Test
  void namesDriversAndKindsSwarmDoesNotAllow() {
    assertRefused(request(""), 400, "meta: name must be provided");
    assertRefused(request("a.b"), 400, "name must be valid as a DNS name component");
    assertRefused(request("-a"), 400, "name must be valid as a DNS name component");
    assertRefused(request("a".repeat(64)), 400, "name must be 63 characters or fewer");
    assertRefused(request("none"), 403, "none is a pre-defined network and cannot be created");
    assertRefused(request("n").put("Driver", "macvlan"), 400, "driver \"macvlan\" makes a network local to one engine");
    assertRefused(request("n").put("Scope", "local"), 400, "scope is swarm, not local");
    assertRefused(request("n").put("Ingress", true), 400, "custom ingress network is not supported");
    assertRefused(request("n").put("ConfigFrom", new JsonObject().put("Network", "x")), 400, "config-only networks");
    assertRefused(request("n").put("Labels", new JsonObject().put("com.docker.swarm.predefined", "true")), 403,
        "is for internally created predefined networks");
    assertThat(NetworkSpecs.fromCreateRequest(request("a_b-c9")).getJsonObject("Spec").getString("Name")).isEqualTo("a_b-c9");
  }

  private static void assertRefused(JsonObject request, int status, String message) {
    assertThatThrownBy(() -> NetworkSpecs.fromCreateRequest(request))
        .satisfies(t -> assertThat(Failures.statusOf(t)).isEqualTo(status))
        .hasMessageContaining(message);
  }
}
