package io.enxame.agent.exec;

import java.util.Map;

/**
 * What inspecting a container tells the controller.
 *
 * @param status Docker's State.Status: created, running, paused, restarting, removing, exited or dead
 * @param health State.Health.Status (starting, healthy, unhealthy), or null without a healthcheck
 * @param addresses the container's address on each engine network it is on, by network name, with prefix length
 *                  ("bridge" → "172.17.0.3/16"); empty when stopped
 */
public record ContainerInfo(String id, String status, boolean running, long exitCode, long pid, String health, String error,
    Map<String, String> addresses) {

  public ContainerInfo(String id, String status, boolean running, long exitCode, long pid, String health, String error) {
    this(id, status, running, exitCode, pid, health, error, Map.of());
  }

  /** A container the engine has just created and nobody has started yet. */
  public static ContainerInfo justCreated(String id) {
    return new ContainerInfo(id, "created", false, 0, 0, null, null);
  }

  public boolean created() { return "created".equals(status); }

  public boolean exited() { return "exited".equals(status) || "dead".equals(status); }
}
