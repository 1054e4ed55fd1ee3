package dev.switchboard.discovery.zk.internal;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Where a registry takes its time from, so that tests can drive it. Immutable.
 *
 * @param nanoTicker a monotonic nanosecond ticker, as {@link System#nanoTime()}, for intervals
 *     (mass-drop protection)
 * @param clock the wall clock, for disk snapshot ages and the start-time bound of payloads
 * @param selfCheckPeriod how often every registration re-checks its node
 */
record RegistryTiming(LongSupplier nanoTicker, Clock clock, Duration selfCheckPeriod) {
  /** The system ticker and clock, a 30 s self-check. */
  static final RegistryTiming SYSTEM =
      new RegistryTiming(System::nanoTime, Clock.systemUTC(), Duration.ofSeconds(30));

  /** Validates the components: none null, the period positive. */
  RegistryTiming {
    requireNonNull(nanoTicker, "nanoTicker");
    requireNonNull(clock, "clock");
    requireNonNull(selfCheckPeriod, "selfCheckPeriod");
    if (selfCheckPeriod.isNegative() || selfCheckPeriod.isZero()) {
      throw new IllegalArgumentException("selfCheckPeriod " + selfCheckPeriod
          + " is not positive");
    }
  }
}
