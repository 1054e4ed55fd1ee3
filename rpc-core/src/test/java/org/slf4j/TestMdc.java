package org.slf4j;

import org.slf4j.helpers.BasicMDCAdapter;

/**
 * Gives the tests a working MDC: the tests' logger, slf4j-simple, keeps none (its MDC adapter
 * drops everything), while the backends applications use (Logback, Log4j 2) do. Installs SLF4J's
 * own {@link BasicMDCAdapter}, a thread-local map like theirs, through the package-private hook
 * SLF4J has for this. Not thread-safe; call before the code under test runs.
 */
public final class TestMdc {
  private TestMdc() {}

  /** Installs a thread-local MDC if the logger provides none. */
  public static void install() {
    if (!(MDC.getMDCAdapter() instanceof BasicMDCAdapter)) {
      MDC.setMDCAdapter(new BasicMDCAdapter());
    }
  }
}
