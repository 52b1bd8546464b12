package io.enxame.agent.exec;

/** What to read of a container's log: {@code tail < 0} is all of it, {@code sinceNanos == 0} from the start. */
public record LogQuery(boolean follow, int tail, long sinceNanos, boolean stdout, boolean stderr) {}
