package io.enxame.deploy;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds; a deadline only bounds the wait, it is not what is tested. */
final class Eventually {
  private Eventually() {}

  static <T> T until(String what, Duration limit, Supplier<T> probe, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + limit.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting for " + what + "; last seen: " + last);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = probe.get();
    }
    return last;
  }
}
