package dev.switchboard.jmh.report;

/**
 * One row of the report's targets table. Immutable.
 *
 * @param target the target, e.g. {@code pick ≤ 20 ns at N=1000, 0 B/op}
 * @param measured the figures it was judged on
 * @param verdict {@code met}, {@code not met}, {@code not run} or {@code not yet (…)}; for a row
 *     with no target, given for information, {@code reported} (or {@code not run})
 */
record TargetRow(String target, String measured, String verdict) {
  static final String MET = "met";
  static final String NOT_MET = "not met";
  static final String NOT_RUN = "not run";
  /** The verdict of an informational row, which has no target: its figures are reported. */
  static final String REPORTED = "reported";

  /** Returns {@code not yet (missing)}. */
  static String notYet(String missing) {
    return "not yet (" + missing + ")";
  }
}
