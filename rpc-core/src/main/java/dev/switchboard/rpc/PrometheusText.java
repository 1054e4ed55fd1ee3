package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one reader of the Prometheus text exposition format in Switchboard's tools (the console,
 * the dashboard pictures, the tests of {@link MetricsServer}'s output): a minimal reader of the
 * Prometheus text exposition format (version 0.0.4, what a plain
 * {@code GET /metrics} returns): one {@link Sample} per sample line, {@code # HELP} / {@code # TYPE}
 * comments and blank lines skipped, an optional timestamp ignored. Label values may contain the
 * escapes {@code \\}, {@code \"} and {@code \n}; values may be {@code NaN}, {@code +Inf} and
 * {@code -Inf}. {@link #parseExposition} also checks the text the way a Prometheus server reads
 * it: every sample belongs to a family a {@code # TYPE} line declared before it, and a
 * histogram's buckets carry {@code le} and end at {@code +Inf}.
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

  /**
   * A checked scrape: each family's type by name, and the samples.
   *
   * @param types {@code counter}, {@code gauge}, {@code histogram}, ... by family name
   */
  public record Exposition(Map<String, String> types, List<Sample> samples) {
    /** Copies. */
    public Exposition {
      types = Map.copyOf(types);
      samples = List.copyOf(samples);
    }

    /** Returns the samples named {@code name}. */
    public List<Sample> samples(String name) {
      return samples.stream().filter(sample -> sample.name().equals(name)).toList();
    }
  }

  private static final java.util.Set<String> TYPES =
      java.util.Set.of("counter", "gauge", "histogram", "summary", "untyped", "info", "stateset");
  private static final List<String> SUFFIXES =
      List.of("_total", "_created", "_bucket", "_sum", "_count", "_info");

  private PrometheusText() {}

  /**
   * Returns the samples of {@code text} whose metric name is one of {@code names}, skipping every
   * line it cannot read: for scrapes of other processes, which must never make the reader fail.
   */
  public static List<Sample> samples(String text, java.util.Set<String> names) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      int name = sampleName(trimmed);
      if (trimmed.isEmpty() || trimmed.startsWith("#")
          || !names.contains(trimmed.substring(0, name))) {
        continue;
      }
      try {
        samples.add(sample(trimmed));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        // a line a foreign process got wrong: left out
      }
    }
    return samples;
  }

  /**
   * Parses a scrape as a Prometheus server would accept it.
   *
   * @throws IllegalArgumentException naming the line and what is wrong: a sample of a family no
   *     {@code # TYPE} declared before it, a bad or repeated {@code # TYPE}, a histogram without
   *     {@code le} on a bucket or without a {@code +Inf} bucket, or anything {@link #parse}
   *     refuses
   */
  public static Exposition parseExposition(String text) {
    List<Sample> samples = parse(text); // every sample line well formed, or the line named
    Map<String, String> types = new java.util.LinkedHashMap<>();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      String trimmed = line.strip();
      if (!trimmed.startsWith("# TYPE ")) {
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")
            && familyOf(sample(trimmed).name(), types) == null) {
          throw new IllegalArgumentException("line " + number + " is a sample of a family no"
              + " # TYPE declared before it: " + line);
        }
        continue;
      }
      String[] parts = trimmed.substring(7).split(" ");
      if (parts.length != 2 || !TYPES.contains(parts[1])
          || sampleName(parts[0]) != parts[0].length()
          || types.putIfAbsent(parts[0], parts[1]) != null) {
        throw new IllegalArgumentException("line " + number + " is a bad or repeated # TYPE: "
            + line);
      }
    }
    types.forEach((family, type) -> {
      if (type.equals("histogram")) {
        List<Sample> buckets = samples.stream()
            .filter(sample -> sample.name().equals(family + "_bucket")).toList();
        if (buckets.stream().anyMatch(bucket -> !bucket.labels().containsKey("le"))
            || (!buckets.isEmpty() && buckets.stream()
                .noneMatch(bucket -> "+Inf".equals(bucket.labels().get("le"))))) {
          throw new IllegalArgumentException("histogram " + family
              + " has a bucket without le or no +Inf bucket");
        }
      }
    });
    return new Exposition(types, samples);
  }

  private static String familyOf(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : SUFFIXES) {
      String family = sample.endsWith(suffix)
          ? sample.substring(0, sample.length() - suffix.length()) : null;
      if (family != null && types.containsKey(family)) {
        return family;
      }
    }
    return null;
  }

  // Returns the length of the metric name at the start of text.
  private static int sampleName(String text) {
    int at = 0;
    while (at < text.length() && isNameChar(text.charAt(at), at == 0)) {
      at++;
    }
    return at;
  }

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
    int at = sampleName(line);
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
