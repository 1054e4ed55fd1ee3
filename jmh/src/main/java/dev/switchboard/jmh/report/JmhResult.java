package dev.switchboard.jmh.report;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * One entry of a JMH native JSON result file: one benchmark method with one combination of
 * parameters, as {@link JmhResults} reads it.
 *
 * <p>Immutable (the maps are copied).
 *
 * @param benchmark the benchmark's full name, e.g.
 *     {@code dev.switchboard.jmh.lb.PickBenchmark.pick}
 * @param mode JMH's short mode name: {@code avgt}, {@code thrpt}, {@code sample}, {@code ss}
 * @param threads benchmark threads
 * @param forks forks measured
 * @param params the parameter values of this entry
 * @param primary the score, with JMH's 99.9 % error ({@code NaN} after a single iteration)
 * @param percentiles the score's percentiles, keyed by percent (50.0 for the median)
 * @param secondary the profilers' metrics by name, e.g. {@code gc.alloc.rate.norm}
 * @param jmhVersion the JMH version that wrote the entry
 * @param jdkVersion the JDK version of the benchmark JVM
 * @param vmName the benchmark JVM's name
 * @param vmVersion the benchmark JVM's version
 * @param iterations how it was measured, e.g. {@code 1 fork, 2 × 500 ms warm-up, 3 × 500 ms}
 */
public record JmhResult(String benchmark, String mode, int threads, int forks,
    Map<String, String> params, Metric primary, Map<Double, Double> percentiles,
    Map<String, Metric> secondary, String jmhVersion, String jdkVersion, String vmName,
    String vmVersion, String iterations) {

  /** The secondary metric of {@code -prof gc} with the bytes allocated per operation. */
  public static final String ALLOCATION_PER_OP = "gc.alloc.rate.norm";

  /**
   * A score with its error and unit. Immutable.
   *
   * @param score the score
   * @param error JMH's error margin (99.9 % confidence), {@code NaN} when not computable
   * @param unit e.g. {@code ns/op}
   */
  public record Metric(double score, double error, String unit) {}

  public JmhResult {
    params = Map.copyOf(params);
    percentiles = Map.copyOf(percentiles);
    secondary = Map.copyOf(secondary);
  }

  /** Returns the simple name of the benchmark class, e.g. {@code PickBenchmark}. */
  public String simpleClassName() {
    String className = benchmark.substring(0, Math.max(0, benchmark.lastIndexOf('.')));
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /** Returns the benchmark method's name, e.g. {@code pick}. */
  public String method() {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }

  /** Returns the value of parameter {@code name}, or null if the benchmark has none. */
  public String param(String name) {
    return params.get(name);
  }

  /** Returns the score's percentile {@code percent} (e.g. 50.0), if JMH recorded it. */
  public OptionalDouble percentile(double percent) {
    Double value = percentiles.get(percent);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** Returns the bytes allocated per operation, if the run used {@code -prof gc}. */
  public OptionalDouble allocationPerOp() {
    Metric metric = secondary.get(ALLOCATION_PER_OP);
    return metric == null ? OptionalDouble.empty() : OptionalDouble.of(metric.score());
  }
}
