package io.enxame.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's command lines: {@code --flag value} or {@code --flag=value}, and positional arguments between
 * them, in order. Each command's options class says what its flags mean.
 */
final class Flags {
  /** A flag and its value, or ({@code name} null) a positional argument. */
  record Arg(String name, String value) {
    boolean positional() { return name == null; }
  }

  private Flags() {}

  static List<Arg> parse(String[] args) {
    List<Arg> parsed = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        parsed.add(new Arg(null, arg));
        continue;
      }
      int eq = arg.indexOf('=');
      String flag = eq < 0 ? arg : arg.substring(0, eq);
      String value = eq >= 0 ? arg.substring(eq + 1) : (i + 1 < args.length ? args[++i] : null);
      if (value == null) throw new IllegalArgumentException("flag needs a value: " + flag);
      parsed.add(new Arg(flag, value));
    }
    return parsed;
  }
}
