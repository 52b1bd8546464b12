package io.enxame.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Picks a backend for each new flow: round robin, or the one with the fewest open flows (ties go round
 * robin so equal backends share). The target list is replaced whole when the table changes; a flow already
 * open keeps its target. Called from any I/O thread: the list is an immutable volatile snapshot.
 */
final class Balancer {
  private final AtomicLong next = new AtomicLong();
  private volatile List<Target> targets = List.of();
  private volatile boolean leastConn;

  void update(List<Target> fresh, boolean leastConn) {
    List<Target> merged = new ArrayList<>(fresh.size());
    for (Target t : fresh) {
      // Keep the Target (and its open-flow count) of a backend that stays.
      merged.add(targets.stream().filter(old -> old.sameAs(t.taskId, t.nodeId, t.ip, t.port)).findFirst().orElse(t));
    }
    this.targets = List.copyOf(merged);
    this.leastConn = leastConn;
  }

  List<Target> targets() { return targets; }

  /** A backend not yet tried for this flow and usable, or null when none is left. */
  Target pick(Set<Target> tried, Predicate<Target> usable) {
    List<Target> ts = targets;
    int n = ts.size();
    if (n == 0) return null;
    int start = (int) Math.floorMod(next.getAndIncrement(), (long) n);
    Target best = null;
    for (int i = 0; i < n; i++) {
      Target t = ts.get((start + i) % n);
      if (tried.contains(t) || !usable.test(t)) continue;
      if (!leastConn) return t;
      if (best == null || t.active.get() < best.active.get()) best = t;
    }
    return best;
  }
}
