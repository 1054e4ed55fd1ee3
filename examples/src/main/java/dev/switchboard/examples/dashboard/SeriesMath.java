package dev.switchboard.examples.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleBinaryOperator;
import java.util.function.Predicate;

/**
 * The PromQL the dashboard uses, computed over scrapes: {@code rate} and {@code increase} of
 * counters, {@code sum/min/max by}, {@code histogram_quantile} and the one-to-many division of
 * the error ratio. Series are maps from their labels to a value.
 *
 * <p>Two deliberate differences from Prometheus, both for a short run scraped from its start: a
 * {@code rate} is the increase between the window's first and last scrapes divided by the time
 * between them (no extrapolation to the window's edges), and a counter series that appears
 * during the window counts from zero (the process was scraped before it existed, so it was
 * zero; Prometheus, which needs two samples of a series, would miss its first increase). Counter
 * resets are handled as Prometheus does: a drop means the counter restarted from zero.
 *
 * <p>Stateless; thread-safe.
 */
public final class SeriesMath {
  /** The label of a histogram bucket's upper bound. */
  public static final String LE = "le";

  private SeriesMath() {}

  /**
   * {@code increase(name[window])}: how much each counter series named {@code name} (whose
   * labels match) grew over {@code window}, scrapes in time order; series present in the last
   * scrape only.
   */
  public static Map<Map<String, String>, Double> increase(List<Scrape> window, String name,
      Predicate<Map<String, String>> matcher) {
    if (window.isEmpty()) {
      return Map.of();
    }
    List<Map<Map<String, String>, Double>> scrapes = new ArrayList<>();
    for (Scrape scrape : window) {
      scrapes.add(scrape.series(name, matcher));
    }
    Map<Map<String, String>, Double> increases = new LinkedHashMap<>();
    for (Map<String, String> labels : scrapes.get(scrapes.size() - 1).keySet()) {
      Double previous = null;
      double increase = 0;
      for (int i = 0; i < scrapes.size(); i++) {
        Double value = scrapes.get(i).get(labels);
        if (value == null) {
          continue;
        }
        if (previous == null) {
          increase += i == 0 ? 0 : value; // appeared within the window: it was zero before
        } else {
          increase += value >= previous ? value - previous : value;
        }
        previous = value;
      }
      increases.put(labels, increase);
    }
    return increases;
  }

  /** {@code rate(name[window])}: {@link #increase} per second; empty for a window under 2 scrapes. */
  public static Map<Map<String, String>, Double> rate(List<Scrape> window, String name,
      Predicate<Map<String, String>> matcher) {
    if (window.size() < 2) {
      return Map.of();
    }
    double seconds = window.get(window.size() - 1).seconds() - window.get(0).seconds();
    Map<Map<String, String>, Double> rates = new LinkedHashMap<>();
    increase(window, name, matcher).forEach((labels, increase) ->
        rates.put(labels, increase / seconds));
    return rates;
  }

  /** {@code sum by (labels) (series)}. */
  public static Map<Map<String, String>, Double> sumBy(Map<Map<String, String>, Double> series,
      String... labels) {
    return aggregateBy(series, Double::sum, labels);
  }

  /** {@code max by (labels) (series)}. */
  public static Map<Map<String, String>, Double> maxBy(Map<Map<String, String>, Double> series,
      String... labels) {
    return aggregateBy(series, Math::max, labels);
  }

  /** {@code min by (labels) (series)}. */
  public static Map<Map<String, String>, Double> minBy(Map<Map<String, String>, Double> series,
      String... labels) {
    return aggregateBy(series, Math::min, labels);
  }

  private static Map<Map<String, String>, Double> aggregateBy(
      Map<Map<String, String>, Double> series, DoubleBinaryOperator operator, String... labels) {
    Map<Map<String, String>, Double> groups = new LinkedHashMap<>();
    series.forEach((seriesLabels, value) ->
        groups.merge(keep(seriesLabels, Set.of(labels)), value, operator::applyAsDouble));
    return groups;
  }

  /**
   * {@code left / ignoring (ignored) group_left right}: each left series divided by the right
   * series whose labels are the left's without {@code ignored}; NaN where there is none or it
   * is zero (Prometheus gives NaN or ±Inf there, which Grafana leaves blank as well).
   */
  public static Map<Map<String, String>, Double> divideIgnoring(
      Map<Map<String, String>, Double> left, Map<Map<String, String>, Double> right,
      String... ignored) {
    Set<String> ignoredSet = Set.of(ignored);
    Map<Map<String, String>, Double> quotients = new LinkedHashMap<>();
    left.forEach((labels, value) -> {
      Map<String, String> key = new TreeMap<>(labels);
      key.keySet().removeAll(ignoredSet);
      Double divisor = right.get(key);
      quotients.put(labels, divisor == null || divisor == 0 ? Double.NaN : value / divisor);
    });
    return quotients;
  }

  /**
   * {@code histogram_quantile(q, buckets)}: for every group of bucket series that differ only
   * in {@value #LE}, the {@code q}-quantile of their cumulative counts.
   */
  public static Map<Map<String, String>, Double> histogramQuantile(double q,
      Map<Map<String, String>, Double> buckets) {
    Map<Map<String, String>, Map<Double, Double>> histograms = new LinkedHashMap<>();
    buckets.forEach((labels, count) -> {
      Map<String, String> group = new TreeMap<>(labels);
      String le = group.remove(LE);
      if (le != null) {
        histograms.computeIfAbsent(group, g -> new TreeMap<>()).put(upperBound(le), count);
      }
    });
    Map<Map<String, String>, Double> quantiles = new LinkedHashMap<>();
    histograms.forEach((group, histogram) -> quantiles.put(group, quantile(q, histogram)));
    return quantiles;
  }

  /**
   * The {@code q}-quantile of one histogram, exactly as Prometheus's {@code histogram_quantile}
   * computes it: the bucket holding rank {@code q × count}, interpolated linearly within it (the
   * first bucket from 0); the highest finite bound if the rank falls in the {@code +Inf} bucket;
   * NaN without a {@code +Inf} bucket, with fewer than two buckets or with no observations.
   * Counts that decrease from one bucket to the next (a scrape racing an observation) are
   * raised to the previous one.
   *
   * @param cumulativeCounts the count of observations at or below each upper bound
   */
  public static double quantile(double q, Map<Double, Double> cumulativeCounts) {
    if (Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    List<Map.Entry<Double, Double>> sorted = new ArrayList<>(cumulativeCounts.entrySet());
    sorted.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    int n = sorted.size();
    if (n < 2 || sorted.get(n - 1).getKey() != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double[] bounds = new double[n];
    double[] counts = new double[n];
    for (int i = 0; i < n; i++) {
      bounds[i] = sorted.get(i).getKey();
      counts[i] = i > 0 ? Math.max(counts[i - 1], sorted.get(i).getValue())
          : sorted.get(i).getValue();
    }
    double observations = counts[n - 1];
    if (!(observations > 0)) {
      return Double.NaN;
    }
    double rank = q * observations;
    int b = 0;
    while (b < n - 1 && counts[b] < rank) {
      b++;
    }
    if (b == n - 1) {
      return bounds[n - 2];
    }
    if (b == 0 && bounds[0] <= 0) {
      return bounds[0];
    }
    double start = 0;
    double inBucket = counts[b];
    if (b > 0) {
      start = bounds[b - 1];
      inBucket -= counts[b - 1];
      rank -= counts[b - 1];
    }
    return start + (bounds[b] - start) * (rank / inBucket);
  }

  private static double upperBound(String le) {
    return switch (le) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      default -> Double.parseDouble(le);
    };
  }

  private static Map<String, String> keep(Map<String, String> labels, Set<String> names) {
    Map<String, String> kept = new TreeMap<>();
    labels.forEach((name, value) -> {
      if (names.contains(name)) {
        kept.put(name, value);
      }
    });
    return kept;
  }
}
