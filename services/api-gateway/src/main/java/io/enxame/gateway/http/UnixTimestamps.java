package io.enxame.gateway.http;

import io.enxame.shared.bus.Failures;

/**
 * moby's timetypes.ParseTimestamps for the {@code since}/{@code until} parameters: {@code seconds[.nanoseconds]}
 * since the epoch, as the docker CLI sends them (it turns "10m" or RFC 3339 into this form itself).
 */
public final class UnixTimestamps {
  private UnixTimestamps() {}

  /** Nanoseconds since the epoch; 0 when absent or empty. A malformed value is a 400 naming the parameter. */
  public static long parseNanos(String value, String name) {
    if (value == null || value.isEmpty()) return 0;
    String[] parts = value.split("\\.", -1);
    try {
      if (parts.length > 2 || parts[0].isEmpty()) throw new NumberFormatException();
      long seconds = Long.parseLong(parts[0]);
      long nanos = 0;
      if (parts.length == 2) {
        String frac = parts[1];
        if (frac.isEmpty() || frac.length() > 9 || !frac.chars().allMatch(Character::isDigit)) throw new NumberFormatException();
        nanos = Long.parseLong((frac + "000000000").substring(0, 9));
      }
      return Math.multiplyExact(seconds, 1_000_000_000L) + (seconds < 0 ? -nanos : nanos);
    } catch (NumberFormatException | ArithmeticException e) {
      throw Failures.badRequest("invalid value for " + name + ": failed to parse value as time or duration: \"" + value + "\"");
    }
  }
}
