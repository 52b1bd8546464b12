package io.enxame.agent.exec;

import java.util.List;
import java.util.Map;

/**
 * What to create for a task, independent of the engine client: a task's ContainerSpec and resources
 * resolved to Docker container settings. Nullable fields mean "engine or image default".
 */
public record ContainerSpec(
    String name,
    String image,
    Map<String, String> labels,
    List<String> entrypoint,
    List<String> cmd,
    List<String> env,
    String workingDir,
    String user,
    String hostname,
    Boolean init,
    boolean tty,
    boolean openStdin,
    boolean readOnly,
    String stopSignal,
    Integer stopTimeoutSeconds,
    Long memoryBytes,
    Long memoryReservationBytes,
    Long nanoCpus,
    Healthcheck healthcheck,
    List<PortBinding> ports,
    /** Engine bind specs ({@code host:container:ro}): the task's secrets and configs. */
    List<String> binds,
    /** The swarm networks the container joins, the first at creation; none: the engine's default bridge. */
    List<Attachment> networks,
    /** The task's log driver ({@code --log-driver}, {@code --log-opt}); null: the engine's default. */
    LogDriver logDriver) {

  /** A host-mode published port: the engine binds {@code published} (0: any free port) on this node. */
  public record PortBinding(int target, String protocol, int published) {}

  public ContainerSpec withBinds(List<String> newBinds) {
    return new ContainerSpec(name, image, labels, entrypoint, cmd, env, workingDir, user, hostname, init, tty, openStdin,
        readOnly, stopSignal, stopTimeoutSeconds, memoryBytes, memoryReservationBytes, nanoCpus, healthcheck, ports,
        List.copyOf(newBinds), networks, logDriver);
  }

  /** A network the container joins, with the names it answers to there (its service's name first). */
  public record Attachment(EngineNetwork network, List<String> aliases) {}

  /** A log driver and its options, as {@code docker run --log-driver --log-opt} take them. */
  public record LogDriver(String name, Map<String, String> options) {}

  /** Docker's HEALTHCHECK; durations in nanoseconds, as the Engine API carries them. */
  public record Healthcheck(List<String> test, Long intervalNanos, Long timeoutNanos, Integer retries, Long startPeriodNanos) {}
}
