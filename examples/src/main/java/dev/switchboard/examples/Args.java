package dev.switchboard.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --name value} command-line parsing for the example programs. */
public final class Args {
  private final Map<String, String> values;

  private Args(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code args}, accepting only {@code allowed} option names.
   *
   * @throws IllegalArgumentException naming an unknown option or a missing value
   */
  public static Args parse(String[] args, Set<String> allowed) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !allowed.contains(name.substring(2))) {
        throw new IllegalArgumentException("unknown option '" + name + "' (allowed: --"
            + String.join(", --", allowed) + ")");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      values.put(name.substring(2), args[++i]);
    }
    return new Args(values);
  }

  /** Returns the option's value, or {@code fallback}. */
  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** Returns the option's value as an int in {@code [min, max]}, or {@code fallback}. */
  public int getInt(String name, int fallback, int min, int max) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException(
            "--" + name + " " + value + " is out of range (allowed: " + min + ".." + max + ")");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " '" + value + "' is not a number", e);
    }
  }

  /** Returns whether the option was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }
}
