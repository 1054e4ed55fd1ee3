package dev.switchboard.rpc.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations written in annotations: {@code 250ms}, {@code 2s}, {@code 1m}, ISO-8601. */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @param where names the setting in the error message
   * @throws IllegalArgumentException naming the value and the forms allowed
   */
  public static Duration parse(String text, String where) {
    String trimmed = text.trim();
    Matcher simple = SIMPLE.matcher(trimmed);
    if (simple.matches()) {
      long amount = Long.parseLong(simple.group(1));
      return switch (simple.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    try {
      return Duration.parse(trimmed);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": duration '" + text + "' is invalid (allowed:"
          + " a whole number with ms, s, m or h, e.g. 250ms or 2s, or ISO-8601 such as PT2S)", e);
    }
  }

  /** Returns {@code duration} if it is positive. */
  public static Duration checkPositive(Duration duration, String where) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(
          where + ": duration " + duration + " is not positive (allowed: > 0)");
    }
    return duration;
  }
}
