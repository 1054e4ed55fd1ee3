package dev.switchboard.jmh;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --name value} arguments of the simulators and timing programs, read one way.
 * Stateless.
 */
public final class Flags {
  private Flags() {}

  /**
   * Returns the flags of {@code args} by name (without the dashes).
   *
   * @throws IllegalArgumentException for a flag without a value or one not in {@code allowed}
   */
  public static Map<String, String> parse(String[] args, List<String> allowed) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + args[i]);
      }
      String name = args[i].startsWith("--") ? args[i].substring(2) : args[i];
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("unknown argument " + args[i] + " (allowed: --"
            + String.join(", --", allowed) + ")");
      }
      flags.put(name, args[i + 1]);
    }
    return flags;
  }

  /**
   * Returns the flag {@code name} of {@code flags} as a whole number of at least 1, or
   * {@code fallback} if absent.
   *
   * @throws IllegalArgumentException naming the flag and its value when it is not one
   */
  public static int positiveInt(Map<String, String> flags, String name, int fallback) {
    String value = flags.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.replace("_", ""));
      if (parsed >= 1) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " " + value
        + ": expected a whole number of at least 1");
  }
}
