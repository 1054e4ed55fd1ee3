package dev.switchboard.jmh.report;

/**
 * A step of the benchmark suite failed: its child JVM exited with an error or did not write its
 * result. The message names the step and the command that reproduces it. Immutable.
 */
public final class StepFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String step;

  StepFailedException(Step step, String what, String command) {
    super("benchmark suite step '" + step.name() + "' (" + step.description() + ") " + what
        + "; command: " + command);
    this.step = step.name();
  }

  /** Returns the failed step's name. */
  public String step() {
    return step;
  }
}
