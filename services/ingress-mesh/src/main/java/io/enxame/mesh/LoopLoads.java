package io.enxame.mesh;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which I/O thread serves a new flow: the one serving the fewest flows now, as HAProxy gives each accepted
 * connection to its least loaded thread; on a tie the accepting thread keeps it (no hand-off, no wake-up of
 * another loop), otherwise round robin. The group's {@code next()} is this chooser: ServerBootstrap registers
 * accepted channels through it.
 */
final class LoopLoads implements EventExecutorChooserFactory {

  private final AtomicLong roundRobin = new AtomicLong();
  private volatile EventExecutor[] loops = new EventExecutor[0];
  private volatile AtomicInteger[] open = new AtomicInteger[0];

  @Override
  public EventExecutorChooser newChooser(EventExecutor[] executors) {
    AtomicInteger[] counts = new AtomicInteger[executors.length];
    for (int i = 0; i < counts.length; i++) counts[i] = new AtomicInteger();
    this.open = counts;
    this.loops = executors.clone();
    return this::next;
  }

  private EventExecutor next() {
    EventExecutor[] ls = loops;
    AtomicInteger[] counts = open;
    int n = ls.length;
    int here = -1;
    int least = (int) Math.floorMod(roundRobin.getAndIncrement(), (long) n); // ties go round robin
    for (int i = 0; i < n; i++) {
      if (ls[i].inEventLoop()) here = i;
      int j = (least + i) % n;
      if (counts[j].get() < counts[least].get()) least = j;
    }
    if (here < 0) return ls[least]; // a listener or a test registering: not a flow
    // An accepted connection: counted from now on, not once registered, so that a burst of accepts (its
    // registrations on another loop still queued) does not all go to the same loop.
    int chosen = counts[here].get() <= counts[least].get() ? here : least;
    counts[chosen].incrementAndGet();
    return ls[chosen];
  }

  /**
   * Uncounts {@code ch}, an accepted connection (counted when it was given its loop), when it closes. Call
   * once it is registered. (One whose registration fails stays counted: it takes epoll refusing a descriptor
   * or the loops shutting down.)
   */
  void track(Channel ch) {
    AtomicInteger count = countOf(ch.eventLoop());
    if (count != null) ch.closeFuture().addListener(f -> count.decrementAndGet());
  }

  /** Flows open on each loop now, in the group's order (tests, metrics). */
  int[] open() {
    AtomicInteger[] counts = open;
    int[] out = new int[counts.length];
    for (int i = 0; i < out.length; i++) out[i] = counts[i].get();
    return out;
  }

  private AtomicInteger countOf(EventExecutor loop) {
    EventExecutor[] ls = loops;
    for (int i = 0; i < ls.length; i++) if (ls[i] == loop) return open[i];
    return null;
  }
}
