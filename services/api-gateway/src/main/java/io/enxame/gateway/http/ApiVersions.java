package io.enxame.gateway.http;

import io.enxame.shared.bus.Failures;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /v1.xx/} path prefix. Like moby, every version from {@link #MIN} to {@link #MAX} is
 * served, as are unprefixed paths (which mean {@link #MAX}); anything outside is a 400.
 */
public final class ApiVersions {
  private ApiVersions() {}

  public static final String MAX = "1.51";
  public static final String MIN = "1.24";

  private static final Pattern PREFIX = Pattern.compile("^/v([0-9][0-9.]*)(/.*)$");

  /** A path split into its requested version (null when unprefixed) and the path to route. */
  public record Split(String version, String path) {}

  /** Splits a path; throws a 400 failure when the version is not one the gateway serves. */
  public static Split split(String path) {
    Matcher m = PREFIX.matcher(path);
    if (!m.matches()) return new Split(null, path);
    String version = m.group(1);
    if (compare(version, MIN) < 0) {
      throw Failures.badRequest("client version " + version + " is too old. Minimum supported API version is " + MIN
          + ", please upgrade your client to a newer version");
    }
    if (compare(version, MAX) > 0) {
      throw Failures.badRequest("client version " + version + " is too new. Maximum supported API version is " + MAX);
    }
    return new Split(version, m.group(2));
  }

  /** Compares dotted versions numerically, component by component, as moby's versions.compare does. */
  public static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long p = i < x.length ? component(x[i]) : 0;
      long q = i < y.length ? component(y[i]) : 0;
      if (p != q) return Long.compare(p, q);
    }
    return 0;
  }

  public static boolean atLeast(String version, String min) { return compare(version, min) >= 0; }

  private static long component(String s) {
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
