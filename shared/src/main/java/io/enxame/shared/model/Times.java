package io.enxame.shared.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** Docker's timestamps: RFC 3339 with nanoseconds in UTC; durations are integer nanoseconds. */
public final class Times {
  private static final DateTimeFormatter RFC3339_NANOS = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
      .appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, true)
      .appendLiteral('Z')
      .toFormatter()
      .withZone(ZoneOffset.UTC);

  /** Go's zero time, which Docker clients read as "never". */
  public static final String ZERO = "0001-01-01T00:00:00Z";

  private Times() {}

  public static String format(Instant instant) { return RFC3339_NANOS.format(instant); }

  public static Instant parse(String s) { return Instant.parse(s); }

  public static long toNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  public static Instant fromNanos(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
