package io.enxame.gateway.networks;

import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A stored swarm network as the Engine API shows it ({@code network.Inspect}, moby's BasicNetworkFromGRPC):
 * note {@code Id}, not {@code ID}, and {@code Scope: swarm}, which {@code service create --network} and
 * {@code stack deploy} require.
 */
public final class NetworkViews {
  private NetworkViews() {}

  public static JsonObject inspect(JsonObject network) {
    JsonObject spec = Json.objectOrEmpty(network, "Spec");
    JsonObject ipam = Json.objectOrEmpty(network, "IPAM");
    JsonArray configs = new JsonArray();
    for (Object o : Json.arrayOrEmpty(ipam, "Configs")) {
      if (!(o instanceof JsonObject c)) continue;
      JsonObject config = new JsonObject().put("Subnet", c.getString("Subnet", ""));
      if (c.getString("Range") != null) config.put("IPRange", c.getString("Range"));
      if (c.getString("Gateway") != null) config.put("Gateway", c.getString("Gateway"));
      if (c.getJsonObject("Reserved") != null) config.put("AuxiliaryAddresses", c.getJsonObject("Reserved").copy());
      configs.add(config);
    }
    return new JsonObject()
        .put("Name", spec.getString("Name"))
        .put("Id", network.getString("ID"))
        .put("Created", network.getString("CreatedAt"))
        .put("Scope", "swarm")
        .put("Driver", Json.string(network, "DriverState.Name"))
        .put("EnableIPv4", true)
        .put("EnableIPv6", spec.getBoolean("IPv6Enabled", false))
        .put("IPAM", new JsonObject()
            .put("Driver", Json.string(ipam, "Driver.Name"))
            .put("Options", Json.objectOrEmpty(ipam, "Driver.Options").copy())
            .put("Config", configs))
        .put("Internal", spec.getBoolean("Internal", false))
        .put("Attachable", spec.getBoolean("Attachable", false))
        .put("Ingress", spec.getBoolean("Ingress", false))
        .put("ConfigFrom", new JsonObject().put("Network", ""))
        .put("ConfigOnly", false)
        .put("Containers", new JsonObject())
        .put("Options", Json.objectOrEmpty(network, "DriverState.Options").copy())
        .put("Labels", Json.objectOrEmpty(spec, "Labels").copy());
  }
}
