package dev.switchboard.admin.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Text formatting shared by the command line and the console. Stateless. */
public final class Texts {
  private Texts() {}

  /**
   * Returns {@code value} safe for a terminal: control characters (escape sequences, carriage
   * returns, new lines) of registry data shown as {@code \\uXXXX}, so a hostile node cannot move
   * the cursor, rewrite earlier lines or fake output.
   */
  public static String terminal(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
          || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
      if (control) {
        if (out == null) {
          out = new StringBuilder(value.length() + 8).append(value, 0, i);
        }
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? value : out.toString();
  }

  /** Returns {@code message} on one line (for stderr). */
  public static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    return terminal(message.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ')).strip();
  }

  /** Formats a duration compactly: {@code 850ms}, {@code 3s}, {@code 4m05s}, {@code 2h10m}, {@code 3d04h}. */
  public static String duration(Duration duration) {
    if (duration == null) {
      return "-";
    }
    if (duration.isNegative()) {
      duration = Duration.ZERO;
    }
    long millis = duration.toMillis();
    if (millis < 1_000) {
      return millis + "ms";
    }
    long seconds = duration.getSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3_600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3_600, seconds % 3_600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3_600);
  }

  /** Formats the time since {@code when} as {@code 12s ago}; {@code -} when unknown. */
  public static String ago(Instant when, Instant now) {
    if (when == null || when.equals(Instant.EPOCH)) {
      return "-";
    }
    return duration(Duration.between(when, now)) + " ago";
  }

  /** Formats a share (0..1) as a percentage with one decimal. */
  public static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * share);
  }

  /** Returns {@code value}, or {@code -} when it is null or empty. */
  public static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }

  /**
   * Parses a duration as {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h} or ISO-8601
   * ({@code PT3S}).
   *
   * @throws IllegalArgumentException naming the value and what is allowed
   */
  public static Duration parseDuration(String text) {
    String value = text.trim();
    try {
      if (value.regionMatches(true, 0, "PT", 0, 2) || value.regionMatches(true, 0, "P", 0, 1)) {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      }
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      switch (value.charAt(value.length() - 1)) {
        case 's':
          return Duration.ofSeconds(amount);
        case 'm':
          return Duration.ofMinutes(amount);
        case 'h':
          return Duration.ofHours(amount);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("'" + terminal(text)
        + "' is not a duration (e.g. 500ms, 3s, 2m, 1h or PT3S)");
  }
}
