package dev.switchboard.examples.dashboard;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.PrometheusText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One scrape of a {@code /metrics} endpoint: when it was taken and its samples.
 *
 * <p>Immutable.
 *
 * @param seconds when it was taken, in seconds since the first scrape of the run
 * @param samples the samples, as {@link PrometheusText} read them
 */
public record Scrape(double seconds, List<PrometheusText.Sample> samples) {
  /** Copies the samples. */
  public Scrape {
    samples = List.copyOf(requireNonNull(samples, "samples"));
  }

  /** Parses the text of a scrape taken at {@code seconds}. */
  public static Scrape parse(double seconds, String text) {
    return new Scrape(seconds, PrometheusText.parse(text));
  }

  /** Returns the value of each series named {@code name}, by its labels. */
  public Map<Map<String, String>, Double> series(String name) {
    return series(name, labels -> true);
  }

  /** Returns the value of each series named {@code name} whose labels match, by its labels. */
  public Map<Map<String, String>, Double> series(String name,
      Predicate<Map<String, String>> matcher) {
    Map<Map<String, String>, Double> series = new LinkedHashMap<>();
    for (PrometheusText.Sample sample : samples) {
      if (sample.name().equals(name) && matcher.test(sample.labels())) {
        series.put(sample.labels(), sample.value());
      }
    }
    return series;
  }
}
