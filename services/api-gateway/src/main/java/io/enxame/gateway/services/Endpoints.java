package io.enxame.gateway.services;

import io.enxame.shared.bus.Failures;
import io.enxame.shared.model.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service's {@code Endpoint}: its EndpointSpec plus the ports as allocated. The CLI's PORTS column
 * reads {@code Endpoint.Ports}, not the spec. Like swarmkit, an ingress port published as 0 gets a
 * free port from the dynamic range, and an ingress port can belong to one service only.
 */
public final class Endpoints {
  private Endpoints() {}

  static final int DYNAMIC_FIRST = 30000;
  static final int DYNAMIC_LAST = 32767;
  private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");
  private static final Set<String> PUBLISH_MODES = Set.of("ingress", "host");
  private static final Set<String> MODES = Set.of("", "vip", "dnsrr");

  /**
   * @param spec     the service spec holding the EndpointSpec
   * @param previous the service's current Endpoint (its allocations are kept), or null on create
   * @param others   every other service, whose ingress ports are taken
   */
  public static JsonObject allocate(JsonObject spec, JsonObject previous, List<JsonObject> others) {
    JsonObject endpointSpec = Json.object(spec, "EndpointSpec");
    Map<Integer, JsonObject> taken = ingressPortsOf(others);
    Map<String, Integer> kept = new HashMap<>();
    for (Object o : previous == null ? new JsonArray() : Json.arrayOrEmpty(previous, "Ports")) {
      if (o instanceof JsonObject p) kept.put(key(p), p.getInteger("PublishedPort", 0));
    }
    String mode = endpointSpec == null ? "" : endpointSpec.getString("Mode", "");
    if (!MODES.contains(mode)) throw Failures.badRequest("invalid EndpointSpec.Mode \"" + mode + "\": must be vip or dnsrr");
    JsonArray ports = new JsonArray();
    Set<Integer> own = new HashSet<>();
    for (JsonObject p : portsOf(endpointSpec)) {
      if ("dnsrr".equals(mode) && "ingress".equals(p.getString("PublishMode"))) {
        throw Failures.badRequest("EndpointSpec: port published with ingress mode can't be used with dnsrr mode");
      }
      if ("ingress".equals(p.getString("PublishMode"))) {
        int published = p.getInteger("PublishedPort");
        if (published == 0) published = kept.getOrDefault(key(p), 0);
        if (published == 0) published = freePort(taken, own);
        JsonObject owner = taken.get(published);
        if (owner != null) {
          throw Failures.badRequest("port '" + published + "' is already in use by service '" + Json.string(owner, "Spec.Name")
              + "' (" + owner.getString("ID") + ") as an ingress port");
        }
        if (!own.add(published)) throw Failures.badRequest("EndpointSpec: duplicate published ports provided");
        p.put("PublishedPort", published);
      }
      ports.add(p);
    }
    return new JsonObject().put("Spec", endpointSpec == null ? new JsonObject() : endpointSpec.copy()).put("Ports", ports);
  }

  /** The Endpoint to show for a stored service, computed from its spec when it has none. */
  public static JsonObject present(JsonObject service) {
    JsonObject endpoint = service.getJsonObject("Endpoint");
    if (endpoint != null && endpoint.getValue("Spec") != null && endpoint.getValue("Ports") != null) return endpoint;
    JsonObject spec = Json.objectOrEmpty(service, "Spec");
    JsonObject endpointSpec = Json.object(spec, "EndpointSpec");
    JsonArray ports = new JsonArray();
    portsOf(endpointSpec).forEach(ports::add);
    return new JsonObject().put("Spec", endpointSpec == null ? new JsonObject() : endpointSpec.copy()).put("Ports", ports);
  }

  /** The spec's ports, validated, with Docker's defaults: tcp and ingress. */
  private static List<JsonObject> portsOf(JsonObject endpointSpec) {
    if (endpointSpec == null) return List.of();
    Object raw = endpointSpec.getValue("Ports");
    if (raw == null) return List.of();
    if (!(raw instanceof JsonArray array)) throw Failures.badRequest("invalid JSON: EndpointSpec.Ports must be an array");
    return array.stream().map(o -> {
      if (!(o instanceof JsonObject in)) throw Failures.badRequest("invalid JSON: EndpointSpec.Ports entries must be objects");
      JsonObject p = in.copy();
      String protocol = p.getString("Protocol");
      p.put("Protocol", protocol == null || protocol.isEmpty() ? "tcp" : protocol);
      String publishMode = p.getString("PublishMode");
      p.put("PublishMode", publishMode == null || publishMode.isEmpty() ? "ingress" : publishMode);
      if (!PROTOCOLS.contains(p.getString("Protocol"))) throw Failures.badRequest("invalid protocol: " + protocol);
      if (!PUBLISH_MODES.contains(p.getString("PublishMode"))) throw Failures.badRequest("invalid publish mode: " + publishMode);
      p.put("TargetPort", port(p.getValue("TargetPort"), "TargetPort"));
      p.put("PublishedPort", port(p.getValue("PublishedPort"), "PublishedPort"));
      return p;
    }).toList();
  }

  private static int port(Object value, String field) {
    if (value == null) return 0;
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 0 && n.intValue() <= 65535) {
      return n.intValue();
    }
    throw Failures.badRequest("invalid " + field + ": " + value);
  }

  private static Map<Integer, JsonObject> ingressPortsOf(List<JsonObject> services) {
    Map<Integer, JsonObject> taken = new HashMap<>();
    for (JsonObject s : services) {
      for (Object o : Json.arrayOrEmpty(s, "Endpoint.Ports")) {
        if (o instanceof JsonObject p && "ingress".equals(p.getString("PublishMode")) && p.getInteger("PublishedPort", 0) > 0) {
          taken.put(p.getInteger("PublishedPort"), s);
        }
      }
    }
    return taken;
  }

  private static int freePort(Map<Integer, JsonObject> taken, Set<Integer> own) {
    for (int port = DYNAMIC_FIRST; port <= DYNAMIC_LAST; port++) {
      if (!taken.containsKey(port) && !own.contains(port)) return port;
    }
    throw Failures.unavailable("no ingress port left in the dynamic range " + DYNAMIC_FIRST + "-" + DYNAMIC_LAST);
  }

  private static String key(JsonObject port) {
    return port.getString("Protocol", "tcp") + "/" + port.getInteger("TargetPort", 0);
  }
}
