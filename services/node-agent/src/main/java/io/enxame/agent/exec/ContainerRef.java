package io.enxame.agent.exec;

/** A container found by listing: enough to adopt it (inspect tells the rest). */
public record ContainerRef(String id, String taskId, boolean running) {}
