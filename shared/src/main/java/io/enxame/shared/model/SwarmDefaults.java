package io.enxame.shared.model;

/** Defaults of the swarm's spec where Enxame departs from Swarm's, in one place for the store and the dispatcher. */
public final class SwarmDefaults {
  private SwarmDefaults() {}

  /**
   * {@code Spec.Dispatcher.HeartbeatPeriod}: 1 s where Swarm has 5 s. A node whose session ends is down after one
   * period and a silent one after three, so a dead node's tasks are replaced within a few seconds
   * ({@code docker swarm update --dispatcher-heartbeat} changes it).
   */
  public static final long HEARTBEAT_MILLIS = 1_000;
}
