package io.enxame.shared.model;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of objects the cluster store keeps, with the JSON path of the name that must be unique. */
public enum Kind {
  CLUSTER("cluster", null),
  NODES("nodes", null),
  SERVICES("services", "Spec.Name"),
  TASKS("tasks", null),
  NETWORKS("networks", "Spec.Name"),
  SECRETS("secrets", "Spec.Name"),
  CONFIGS("configs", "Spec.Name"),
  /** The swarm's root CA (certificate and sealed key) and revoked node IDs: read by the secrets service only. */
  PKI("pki", null);

  private final String wire;
  private final String uniqueNamePath;

  Kind(String wire, String uniqueNamePath) {
    this.wire = wire;
    this.uniqueNamePath = uniqueNamePath;
  }

  public String wire() { return wire; }

  /** Dotted path of the field whose value must be unique among objects of this kind, if any. */
  public Optional<String> uniqueNamePath() { return Optional.ofNullable(uniqueNamePath); }

  public static Optional<Kind> fromWire(String wire) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
  }

  /** Singular noun for messages: "service", "node"... */
  public String singular() {
    return wire.endsWith("s") ? wire.substring(0, wire.length() - 1) : wire;
  }
}
