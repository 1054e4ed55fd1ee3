package dev.switchboard.jmh.report;

import java.nio.file.Path;
import java.util.List;

/**
 * One step of the suite: a main class run in a child JVM on the suite's class path, writing one
 * result file. Implementations are immutable.
 */
sealed interface Step permits JmhRun, MainRun {

  /** Returns a short name, e.g. {@code pick-1t}. */
  String name();

  /** Returns what the step measures, for the plan and the report. */
  String description();

  /** Returns the file the step writes. */
  Path resultFile();

  /** Returns the main class and its arguments. */
  List<String> arguments();

  /** Returns where to copy the child's standard output, or null to only stream it. */
  Path stdoutCapture();

  /** Returns the estimated wall-clock seconds, JVM start included. */
  double estimatedSeconds();

  /** Returns how the estimate was derived, e.g. {@code 13 runs × 1 fork × 4.0 s + 1 s}. */
  String estimateFormula();
}
