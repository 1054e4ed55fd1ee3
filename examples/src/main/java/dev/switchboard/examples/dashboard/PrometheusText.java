package dev.switchboard.examples.dashboard;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal reader of the Prometheus text exposition format (version 0.0.4, what a plain
 * {@code GET /metrics} returns): one {@link Sample} per sample line, {@code # HELP} / {@code # TYPE}
 * comments and blank lines skipped, an optional timestamp ignored. Label values may contain the
 * escapes {@code \\}, {@code \"} and {@code \n}; values may be {@code NaN}, {@code +Inf} and
 * {@code -Inf}. Enough for a scrape of an OpenTelemetry Prometheus exporter; not a validator.
 *
 * <p>Stateless; thread-safe.
 */
public final class PrometheusText {

  /**
   * One sample: the metric name as exposed ({@code switchboard_lb_picks_total},
   * {@code ..._bucket}), its labels and its value.
   *
   * @param labels the labels by name, sorted; unmodifiable
   */
  public record Sample(String name, Map<String, String> labels, double value) {
    /** Copies the labels into an unmodifiable, sorted map. */
    public Sample {
      requireNonNull(name, "name");
      labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    }
  }

  private PrometheusText() {}

  /**
   * Parses a scrape.
   *
   * @throws IllegalArgumentException naming the line number and what is wrong with it
   */
  public static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        samples.add(sample(trimmed));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new IllegalArgumentException("line " + number + " is not a sample ("
            + e.getMessage() + "): " + line, e);
      }
    }
    return samples;
  }

  private static Sample sample(String line) {
    int at = 0;
    while (at < line.length() && isNameChar(line.charAt(at), at == 0)) {
      at++;
    }
    if (at == 0) {
      throw new IllegalArgumentException("no metric name");
    }
    String name = line.substring(0, at);
    Map<String, String> labels = new TreeMap<>();
    if (at < line.length() && line.charAt(at) == '{') {
      at = labels(line, at + 1, labels);
    }
    String[] rest = line.substring(at).strip().split("\\s+");
    if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
      throw new IllegalArgumentException("expected a value and an optional timestamp");
    }
    return new Sample(name, labels, value(rest[0]));
  }

  /** Reads {@code name="value",...}} from {@code at}; returns the index after the brace. */
  private static int labels(String line, int at, Map<String, String> labels) {
    while (true) {
      while (line.charAt(at) == ' ' || line.charAt(at) == ',') {
        at++;
      }
      if (line.charAt(at) == '}') {
        return at + 1;
      }
      int start = at;
      while (isNameChar(line.charAt(at), at == start)) {
        at++;
      }
      String label = line.substring(start, at);
      if (label.isEmpty() || line.charAt(at) != '=' || line.charAt(at + 1) != '"') {
        throw new IllegalArgumentException("bad label at column " + (start + 1));
      }
      at += 2;
      StringBuilder value = new StringBuilder();
      for (char c = line.charAt(at); c != '"'; c = line.charAt(at)) {
        if (c == '\\') {
          char escaped = line.charAt(++at);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
        at++;
      }
      labels.put(label, value.toString());
      at++;
    }
  }

  private static boolean isNameChar(char c, boolean first) {
    return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (!first && c >= '0' && c <= '9');
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("value '" + text + "' is not a number", e);
        }
      }
    };
  }
}
