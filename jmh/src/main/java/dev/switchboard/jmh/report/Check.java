package dev.switchboard.jmh.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the figures of one target and judges it: {@code not met} if any figure fails,
 * {@code not run} if there is no figure at all, {@code not yet (not run: …)} if every figure
 * passes but some could not be computed, otherwise {@code met}. A check made by
 * {@link #reported} has no target: its figures are {@code reported} (or {@code not run} without
 * one). Not thread-safe.
 */
final class Check {
  private final String target;
  private final boolean informational;
  private final List<String> figures = new ArrayList<>();
  private final List<String> missing = new ArrayList<>();
  private boolean failed;

  Check(String target) {
    this(target, false);
  }

  private Check(String target, boolean informational) {
    this.target = target;
    this.informational = informational;
  }

  /** Returns a check of figures given for information, which no figure can fail. */
  static Check reported(String target) {
    return new Check(target, true);
  }

  /** Adds a figure given for information. */
  Check figure(String figure) {
    return figure(figure, true);
  }

  /** Adds a figure and whether it meets the target. */
  Check figure(String figure, boolean passes) {
    figures.add(figure);
    failed |= !passes;
    return this;
  }

  /** Records a figure that could not be computed: {@code what} was not run. */
  Check missing(String what) {
    missing.add(what);
    return this;
  }

  /**
   * Returns the judged row: the figures (and, when the target is not met, what was not run);
   * for a target not run at all, why.
   */
  TargetRow row() {
    String notRun = String.join(", ", missing);
    String figuresText = String.join("; ", figures);
    if (figures.isEmpty()) {
      return new TargetRow(target, missing.isEmpty() ? "—" : notRun, TargetRow.NOT_RUN);
    }
    if (failed || informational) {
      return new TargetRow(target, figuresText + (missing.isEmpty() ? "" : "; not run: "
          + notRun), informational ? TargetRow.REPORTED : TargetRow.NOT_MET);
    }
    return new TargetRow(target, figuresText,
        missing.isEmpty() ? TargetRow.MET : TargetRow.notYet("not run: " + notRun));
  }
}
