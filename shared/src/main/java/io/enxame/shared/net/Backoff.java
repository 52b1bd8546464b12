package io.enxame.shared.net;

/** Reconnect delays: doubling from a minimum to a cap, back to the minimum after a success. */
public final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  private long next;

  public Backoff(long minMillis, long maxMillis) {
    this.minMillis = minMillis;
    this.maxMillis = maxMillis;
    this.next = minMillis;
  }

  public long next() {
    long d = next;
    next = Math.min(next * 2, maxMillis);
    return d;
  }

  public void reset() { next = minMillis; }
}
