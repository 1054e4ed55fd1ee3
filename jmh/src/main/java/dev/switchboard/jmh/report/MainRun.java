package dev.switchboard.jmh.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A step of the suite that runs a program's {@code main} (not JMH): hash quality, the tail
 * simulator, the discovery timings. Immutable.
 *
 * @param name short name
 * @param description what it measures
 * @param resultFile the file it writes (or that its captured output goes to)
 * @param main the class whose {@code main} runs
 * @param args its arguments
 * @param stdoutCapture where to copy its standard output, or null
 * @param estimatedSeconds the estimated wall-clock seconds, JVM start included
 * @param estimateFormula how the estimate was derived
 */
record MainRun(String name, String description, Path resultFile, Class<?> main,
    List<String> args, Path stdoutCapture, double estimatedSeconds, String estimateFormula)
    implements Step {

  MainRun {
    args = List.copyOf(args);
  }

  @Override
  public List<String> arguments() {
    List<String> arguments = new ArrayList<>();
    arguments.add(main.getName());
    arguments.addAll(args);
    return arguments;
  }
}
