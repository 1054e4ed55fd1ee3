package dev.switchboard.jmh.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The entries of one JMH native JSON result file ({@code -rf json}), read with Jackson's tree
 * API, with look-ups by benchmark class and parameters.
 *
 * <p>Immutable.
 */
public final class JmhResults {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<JmhResult> results;

  private JmhResults(List<JmhResult> results) {
    this.results = List.copyOf(results);
  }

  /**
   * Reads {@code file}.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the file, if it is not a JMH JSON result array
   */
  public static JmhResults read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /**
   * Parses {@code json}, JMH's result array; {@code source} names it in error messages.
   *
   * @throws IllegalArgumentException if it is not a JMH JSON result array
   */
  public static JmhResults parse(String json, String source) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException(source + " is not a JMH JSON result array");
    }
    List<JmhResult> results = new ArrayList<>();
    for (JsonNode entry : root) {
      results.add(entry(entry, source));
    }
    return new JmhResults(results);
  }

  private static JmhResult entry(JsonNode entry, String source) {
    String benchmark = entry.path("benchmark").asText(null);
    JsonNode primary = entry.get("primaryMetric");
    if (benchmark == null || primary == null) {
      throw new IllegalArgumentException(source + ": an entry without \"benchmark\" or"
          + " \"primaryMetric\": not JMH's JSON format");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = entry.path("params").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> param = it.next();
      params.put(param.getKey(), param.getValue().asText());
    }
    Map<Double, Double> percentiles = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = primary.path("scorePercentiles").fields();
        it.hasNext();) {
      Map.Entry<String, JsonNode> percentile = it.next();
      percentiles.put(Double.parseDouble(percentile.getKey()), number(percentile.getValue()));
    }
    Map<String, JmhResult.Metric> secondary = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = entry.path("secondaryMetrics").fields();
        it.hasNext();) {
      Map.Entry<String, JsonNode> metric = it.next();
      secondary.put(metric.getKey(), metric(metric.getValue()));
    }
    return new JmhResult(benchmark, entry.path("mode").asText(""),
        entry.path("threads").asInt(1), entry.path("forks").asInt(1), params, metric(primary),
        percentiles, secondary, entry.path("jmhVersion").asText(""),
        entry.path("jdkVersion").asText(""), entry.path("vmName").asText(""),
        entry.path("vmVersion").asText(""), iterations(entry));
  }

  /** Returns e.g. {@code 1 fork, 2 × 500 ms warm-up, 3 × 500 ms measured}. */
  private static String iterations(JsonNode entry) {
    int forks = entry.path("forks").asInt(1);
    return forks + (forks == 1 ? " fork, " : " forks, ")
        + entry.path("warmupIterations").asInt(0) + " × " + entry.path("warmupTime").asText("?")
        + " warm-up, " + entry.path("measurementIterations").asInt(0) + " × "
        + entry.path("measurementTime").asText("?") + " measured";
  }

  private static JmhResult.Metric metric(JsonNode node) {
    return new JmhResult.Metric(number(node.path("score")), number(node.path("scoreError")),
        node.path("scoreUnit").asText(""));
  }

  /** JMH writes numbers, or the strings "NaN" and "Infinity" where there is no number. */
  private static double number(JsonNode node) {
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isTextual()) {
      try {
        return Double.parseDouble(node.asText());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** Returns every entry, in file order. */
  public List<JmhResult> all() {
    return results;
  }

  /** Returns whether the file held no entry. */
  public boolean isEmpty() {
    return results.isEmpty();
  }

  /**
   * Returns the first entry of benchmark class {@code simpleClassName} whose parameters include
   * every pair of {@code params}.
   */
  public Optional<JmhResult> find(String simpleClassName, Map<String, String> params) {
    return results.stream()
        .filter(r -> r.simpleClassName().equals(simpleClassName))
        .filter(r -> params.entrySet().stream()
            .allMatch(p -> Objects.equals(r.param(p.getKey()), p.getValue())))
        .findFirst();
  }

  /**
   * Returns the values parameter {@code param} takes in the entries of {@code simpleClassName},
   * numbers in numeric order.
   */
  public List<String> values(String simpleClassName, String param) {
    TreeSet<String> values = new TreeSet<>(JmhResults::compareValues);
    for (JmhResult result : results) {
      if (result.simpleClassName().equals(simpleClassName) && result.param(param) != null) {
        values.add(result.param(param));
      }
    }
    return List.copyOf(values);
  }

  /** Returns how the first entry was measured, e.g. {@code 1 fork, 2 × 1 s warm-up, …}. */
  public Optional<String> iterations() {
    return results.stream().map(JmhResult::iterations).findFirst();
  }

  /** Returns how {@code results} were measured, {@code no results}, or why there are none. */
  static String measured(Loaded<JmhResults> results) {
    return results.present() ? results.value().iterations().orElse("no results")
        : results.problem();
  }

  /** Returns the first JMH version recorded, or empty. */
  public Optional<String> jmhVersion() {
    return results.stream().map(JmhResult::jmhVersion).filter(v -> !v.isEmpty()).findFirst();
  }

  private static int compareValues(String a, String b) {
    try {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }
}
