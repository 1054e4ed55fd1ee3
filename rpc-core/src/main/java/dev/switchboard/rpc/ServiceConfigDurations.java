package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one codec for durations in gRPC service config: written as protobuf JSON durations
 * ({@code "0.0005s"}, {@code "10s"}: seconds with up to nine decimals, never an exponent, which
 * gRPC rejects), read in that form and, for hand-written balancer settings, also as
 * {@code "250ms"} or {@code "2m"}. For Switchboard's modules and for balancer implementers.
 *
 * <p>Stateless and thread-safe.
 */
public final class ServiceConfigDurations {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)(ms|s|m)");

  private ServiceConfigDurations() {}

  /** Returns {@code duration} (not negative) as a protobuf JSON duration, e.g. {@code "1.5s"}. */
  public static String format(Duration duration) {
    requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration " + duration + " is negative");
    }
    BigDecimal seconds = BigDecimal.valueOf(duration.getSeconds())
        .add(BigDecimal.valueOf(duration.getNano(), 9));
    return seconds.stripTrailingZeros().toPlainString() + "s";
  }

  /**
   * Parses {@code "10s"}, {@code "0.0005s"}, {@code "250ms"} or {@code "2m"}.
   *
   * @param where names the setting in the error message
   * @throws IllegalArgumentException naming the value and the forms allowed
   */
  public static Duration parse(String text, String where) {
    Matcher matcher = text == null ? null : DURATION.matcher(text.trim());
    if (matcher == null || !matcher.matches()) {
      throw new IllegalArgumentException(where + " '" + text
          + "' is not a duration (expected e.g. \"10s\", \"1.5s\" or \"250ms\")");
    }
    BigDecimal amount = new BigDecimal(matcher.group(1));
    BigDecimal nanos = switch (matcher.group(2)) {
      case "ms" -> amount.movePointRight(6);
      case "s" -> amount.movePointRight(9);
      default -> amount.multiply(BigDecimal.valueOf(60)).movePointRight(9);
    };
    try {
      return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(where + " '" + text + "' is too long", e);
    }
  }
}
