package io.enxame.agent.exec;

/**
 * A container event: {@code action} is die, destroy, or "health_status: healthy|unhealthy".
 * {@code taskId} comes from the container's swarm task label (null when it has none).
 */
public record RuntimeEvent(String action, String containerId, String taskId) {}
