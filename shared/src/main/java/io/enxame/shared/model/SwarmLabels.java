package io.enxame.shared.model;

/** The labels Swarm puts on task containers; tools that read them keep working with Enxame. */
public final class SwarmLabels {
  private SwarmLabels() {}

  public static final String SERVICE_ID = "com.docker.swarm.service.id";
  public static final String SERVICE_NAME = "com.docker.swarm.service.name";
  public static final String TASK_ID = "com.docker.swarm.task.id";
  public static final String TASK_NAME = "com.docker.swarm.task.name";
  public static final String NODE_ID = "com.docker.swarm.node.id";
}
