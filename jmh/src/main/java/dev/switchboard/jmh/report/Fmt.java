package dev.switchboard.jmh.report;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Number formatting for the report: digits by magnitude (2 decimals below 10, 1 below 1,000,
 * none above, with thousands separators), in the root locale. Stateless.
 */
final class Fmt {
  private Fmt() {}

  /** Returns {@code value} with digits by magnitude; a dash for NaN. */
  static String num(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "—";
    }
    return String.format(Locale.ROOT, "%,." + decimals(value) + "f", value);
  }

  /** Returns {@code score ± error}, the error with the score's decimals; the score alone if NaN. */
  static String withError(double score, double error) {
    if (Double.isNaN(error) || Double.isNaN(score)) {
      return num(score);
    }
    return num(score) + " ± " + String.format(Locale.ROOT, "%,." + decimals(score) + "f", error);
  }

  /** Returns a ratio, e.g. {@code 1.02×}, {@code 31.4×}, {@code 2,156×}; a dash for NaN. */
  static String ratio(double ratio) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return "—";
    }
    double abs = Math.abs(ratio);
    String pattern = abs >= 100 ? "%,.0f×" : abs >= 10 ? "%.1f×" : "%.2f×";
    return String.format(Locale.ROOT, pattern, ratio);
  }

  /** Returns bytes per operation: 0 below half a byte (JMH's residue), else whole bytes. */
  static String bytes(double bytes) {
    if (Double.isNaN(bytes)) {
      return "—";
    }
    return bytes < 0.5 ? "0" : String.format(Locale.ROOT, "%,.0f", bytes);
  }

  /** Returns a signed difference, e.g. {@code +0.35} or {@code −1.2}. */
  static String signed(double value) {
    if (Double.isNaN(value)) {
      return "—";
    }
    return (value < 0 ? "−" : "+") + num(Math.abs(value));
  }

  /** Returns a signed byte difference, e.g. {@code +2,016} or {@code −512}. */
  static String signedBytes(double value) {
    if (Double.isNaN(value)) {
      return "—";
    }
    return (value < 0 ? "−" : "+") + String.format(Locale.ROOT, "%,.0f", Math.abs(value));
  }

  /** Returns a target's limit as written: {@code 20}, {@code 1.05}, {@code 0.95}. */
  static String limit(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /** Returns a duration in seconds as {@code 45 s} or {@code 8 min 05 s}. */
  static String seconds(double seconds) {
    long whole = Math.round(seconds);
    return whole < 60 ? whole + " s"
        : String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
  }

  /** Returns {@code text} with its first letter upper-case. */
  static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static int decimals(double value) {
    double abs = Math.abs(value);
    return abs >= 1_000 ? 0 : abs >= 10 ? 1 : 2;
  }
}
