package io.enxame.agent.session;

/** Reconnect delays: doubling from a minimum to a cap, back to the minimum after a success. */
final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  private long next;

  Backoff(long minMillis, long maxMillis) {
    this.minMillis = minMillis;
    this.maxMillis = maxMillis;
    this.next = minMillis;
  }

  long next() {
    long d = next;
    next = Math.min(next * 2, maxMillis);
    return d;
  }

  void reset() { next = minMillis; }
}
