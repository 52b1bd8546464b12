package io.enxame.shared.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a condition until it holds; the limit only bounds the wait, it is not what a test checks. */
public final class Eventually {
  private Eventually() {}

  /** Waits up to 30 s for {@code done} to hold of what {@code probe} sees. */
  public static <T> T until(Supplier<T> probe, Predicate<T> done) {
    return until("a condition", Duration.ofSeconds(30), probe, done);
  }

  public static <T> T until(String what, Duration limit, Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + limit.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting for " + what + "; last seen: " + last);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = probe.get();
    }
    return last;
  }
}
