package dev.switchboard.jmh.report;

import java.util.Locale;

/**
 * How big a suite run is: {@link #QUICK} fits in 10 minutes on 2 cores, {@link #FULL} is for
 * serious runs (several forks, longer iterations, every parameter). Immutable.
 */
public enum SuiteMode {
  QUICK,
  FULL;

  /** Returns the command-line flag, {@code --quick} or {@code --full}. */
  public String flag() {
    return "--" + label();
  }

  /** Returns {@code quick} or {@code full}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
