package dev.switchboard.jmh.report;

import java.time.Duration;

/**
 * How long JMH measures each benchmark × parameter combination: forks, warm-up and measurement
 * iterations and their lengths. Immutable.
 *
 * @param forks JMH forks ({@code -f})
 * @param warmupIterations {@code -wi}
 * @param warmup one warm-up iteration's length ({@code -w})
 * @param iterations measurement iterations ({@code -i})
 * @param measurement one measurement iteration's length ({@code -r})
 */
record JmhSettings(int forks, int warmupIterations, Duration warmup, int iterations,
    Duration measurement) {

  /** Returns the seconds one fork spends in its iterations. */
  double iterationSeconds() {
    return (warmupIterations * warmup.toMillis() + iterations * measurement.toMillis()) / 1000.0;
  }

  /** Returns JMH's option arguments for these settings. */
  String[] arguments() {
    return new String[] {"-f", String.valueOf(forks), "-wi", String.valueOf(warmupIterations),
        "-w", time(warmup), "-i", String.valueOf(iterations), "-r", time(measurement)};
  }

  private static String time(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
