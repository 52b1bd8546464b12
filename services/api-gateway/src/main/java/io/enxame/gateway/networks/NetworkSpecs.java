package io.enxame.gateway.networks;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An Engine API network create request turned into the swarm network Enxame stores (swarmkit's shape: the
 * request's fields under {@code Spec}, the driver's and the IPAM's state beside it), with swarmkit's checks
 * (controlapi/network.go) and moby's (daemon/cluster/networks.go). Only overlay networks are swarm-scoped.
 */
public final class NetworkSpecs {
  private NetworkSpecs() {}

  public static final String OVERLAY = "overlay";
  /** Names the engine gives its own networks: a swarm network may not take them (moby's IsPredefined). */
  public static final Set<String> PREDEFINED = Set.of("bridge", "host", "none", "default");
  static final String PREDEFINED_LABEL = "com.docker.swarm.predefined";
  private static final Pattern DNS_NAME = Pattern.compile("^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$");

  /** The network to store for this create request; throws a failure with Docker's status and wording. */
  public static JsonObject fromCreateRequest(JsonObject request) {
    Object rawName = request.getValue("Name");
    String name = rawName instanceof String s ? s : "";
    if (PREDEFINED.contains(name)) throw Failures.of(403, name + " is a pre-defined network and cannot be created");
    if (name.isEmpty()) throw Failures.invalidArgument("meta: name must be provided");
    if (!DNS_NAME.matcher(name).matches()) throw Failures.invalidArgument("name must be valid as a DNS name component");
    if (name.length() > 63) throw Failures.invalidArgument("name must be 63 characters or fewer");

    String driver = string(request, "Driver");
    if (!OVERLAY.equals(driver)) {
      throw Failures.badRequest("driver \"" + (driver.isEmpty() ? "bridge" : driver) + "\" makes a network local to one engine,"
          + " and Enxame manages swarm-scoped networks only: use --driver overlay");
    }
    String scope = string(request, "Scope");
    if (!scope.isEmpty() && !"swarm".equals(scope)) throw Failures.badRequest("an overlay network's scope is swarm, not " + scope);
    if (request.getBoolean("Ingress", false)) {
      throw Failures.badRequest("Enxame's ingress is its routing mesh, which every node runs: a custom ingress network is not supported");
    }
    if (request.getBoolean("ConfigOnly", false) || request.getValue("ConfigFrom") instanceof JsonObject from && !string(from, "Network").isEmpty()) {
      throw Failures.badRequest("config-only networks (--config-only, --config-from) are not supported");
    }
    JsonObject labels = object(request, "Labels");
    if (labels.containsKey(PREDEFINED_LABEL)) {
      throw Failures.of(403, "rpc error: code = PermissionDenied desc = label " + PREDEFINED_LABEL
          + " is for internally created predefined networks and cannot be applied by users");
    }
    JsonObject options = object(request, "Options");
    JsonObject ipam = ipam(object(request, "IPAM"));

    JsonObject driverConfig = new JsonObject().put("Name", OVERLAY).put("Options", options.copy());
    JsonObject spec = new JsonObject()
        .put("Name", name)
        .put("Labels", labels.copy())
        .put("DriverConfiguration", driverConfig)
        .put("IPv6Enabled", request.getBoolean("EnableIPv6", false))
        .put("Internal", request.getBoolean("Internal", false))
        .put("Attachable", request.getBoolean("Attachable", false))
        .put("Ingress", false)
        .put("IPAMOptions", ipam)
        .put("Scope", "swarm");
    return new JsonObject()
        .put("ID", Ids.newId())
        .put("Spec", spec)
        .put("DriverState", driverConfig.copy())
        .put("IPAM", ipam.copy());
  }

  /** The IPAM options as swarmkit keeps them; only the default IPAM driver exists here. */
  private static JsonObject ipam(JsonObject request) {
    String driver = string(request, "Driver");
    if (!driver.isEmpty() && !"default".equals(driver)) {
      throw Failures.badRequest("IPAM driver \"" + driver + "\" is not supported: Enxame has the default IPAM driver only");
    }
    JsonArray configs = new JsonArray();
    Object raw = request.getValue("Config");
    if (raw != null && !(raw instanceof JsonArray)) throw Failures.badRequest("invalid JSON: IPAM.Config must be an array");
    for (Object o : raw == null ? new JsonArray() : (JsonArray) raw) {
      if (!(o instanceof JsonObject c)) throw Failures.badRequest("invalid JSON: IPAM.Config entries must be objects");
      configs.add(ipamConfig(c));
    }
    return new JsonObject().put("Driver", new JsonObject().put("Name", "default").put("Options", object(request, "Options").copy()))
        .put("Configs", configs);
  }

  /** swarmkit's validateIPAMConfiguration: a subnet, and a range and gateway inside it. */
  private static JsonObject ipamConfig(JsonObject c) {
    String subnet = string(c, "Subnet");
    if (subnet.isEmpty()) throw Failures.invalidArgument("ipam configuration: invalid subnet " + subnet);
    Cidr net = Cidr.parse(subnet).orElseThrow(() -> Failures.invalidArgument("ipam configuration: invalid subnet " + subnet));
    JsonObject out = new JsonObject().put("Subnet", subnet);
    String range = string(c, "IPRange");
    if (!range.isEmpty()) {
      Cidr r = Cidr.parse(range).orElseThrow(() -> Failures.invalidArgument("ipam configuration: invalid range " + range));
      if (!net.contains(r)) throw Failures.invalidArgument("ipam configuration: subnet " + subnet + " does not contain range " + range);
      out.put("Range", range);
    }
    String gateway = string(c, "Gateway");
    if (!gateway.isEmpty()) {
      Cidr gw = Cidr.parse(gateway + (gateway.contains(":") ? "/128" : "/32"))
          .orElseThrow(() -> Failures.invalidArgument("ipam configuration: invalid gateway " + gateway));
      if (!net.contains(gw)) throw Failures.invalidArgument("ipam configuration: subnet " + subnet + " does not contain gateway " + gateway);
      out.put("Gateway", gateway);
    }
    JsonObject aux = object(c, "AuxiliaryAddresses");
    if (!aux.isEmpty()) out.put("Reserved", aux.copy());
    return out;
  }

  /** An IP prefix, IPv4 or IPv6, for containment checks. */
  record Cidr(BigInteger network, int bits, int width) {
    static java.util.Optional<Cidr> parse(String text) {
      int slash = text.indexOf('/');
      if (slash < 0) return java.util.Optional.empty();
      String host = text.substring(0, slash);
      // InetAddress would resolve names: accept address literals only.
      if (!host.matches("[0-9a-fA-F:.]+") || (!host.contains(":") && !host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
        return java.util.Optional.empty();
      }
      try {
        byte[] bytes = InetAddress.getByName(host).getAddress();
        int width = bytes.length * 8;
        int bits = Integer.parseInt(text.substring(slash + 1));
        if (bits < 0 || bits > width) return java.util.Optional.empty();
        BigInteger mask = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE).shiftRight(bits).not();
        return java.util.Optional.of(new Cidr(new BigInteger(1, bytes).and(mask), bits, width));
      } catch (UnknownHostException | NumberFormatException e) {
        return java.util.Optional.empty();
      }
    }

    boolean contains(Cidr other) {
      if (other.width != width || other.bits < bits) return false;
      return other.network.shiftRight(width - bits).equals(network.shiftRight(width - bits));
    }
  }

  private static String string(JsonObject o, String key) {
    return o.getValue(key) instanceof String s ? s : "";
  }

  private static JsonObject object(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (v == null) return new JsonObject();
    if (!(v instanceof JsonObject j)) throw Failures.badRequest("invalid JSON: " + key + " must be an object");
    return j;
  }
}
