package dev.switchboard.jmh.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark suite: runs every benchmark of {@link SuitePlan}, one after another, each in its
 * own child JVM, writing the results under {@code DIR/bench/}, then rewrites
 * {@code DIR/benchmarks.md} with {@link ReportWriter}. Quick mode (the default) fits in 10
 * minutes on 2 cores; full mode is for serious runs. The plan and its time estimate are printed
 * first; {@code --plan} prints them and stops.
 *
 * <pre>
 * jmh/bench [--quick|--full]          # builds the jar if needed, then runs this
 * java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.report.BenchmarkSuite \
 *     [--quick|--full] [--docs DIR] [--plan] [--invoked-as COMMAND]
 * </pre>
 *
 * <p>A failing step stops the suite with a {@link StepFailedException} naming it; the report is
 * then not rewritten, and the results of the steps before it stay in {@code DIR/bench/}.
 *
 * <p>Not thread-safe: one run at a time per instance.
 */
public final class BenchmarkSuite {
  private static final String USAGE = "usage: BenchmarkSuite [--quick|--full] [--docs DIR]"
      + " [--plan] [--invoked-as COMMAND]\n"
      + "  --quick       one fork, short iterations, picks at N=1000 only: <= 10 min on 2 cores"
      + " (default)\n"
      + "  --full        3 forks, longer iterations, every parameter value\n"
      + "  --docs DIR    where benchmarks.md and bench/ go (default: docs)\n"
      + "  --plan        print the plan and its time estimate, run nothing\n"
      + "  --invoked-as  the command the user typed, for the report (set by jmh/bench)";

  private final SuitePlan plan;
  private final ChildJvm jvm;
  private final String invokedAs;
  private final String command;
  private final PrintStream console;

  BenchmarkSuite(SuitePlan plan, ChildJvm jvm, String invokedAs, String command,
      PrintStream console) {
    this.plan = plan;
    this.jvm = jvm;
    this.invokedAs = invokedAs;
    this.command = command;
    this.console = console;
  }

  /** Runs the suite; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    if (options.help()) {
      System.out.println(USAGE);
      return;
    }
    SuitePlan plan = SuitePlan.of(options.mode(), options.docs());
    System.out.print(plan.describe());
    if (options.planOnly()) {
      return;
    }
    StringBuilder command = new StringBuilder("java -cp ")
        .append(ChildJvm.quote(System.getProperty("java.class.path")))
        .append(' ').append(BenchmarkSuite.class.getName());
    for (String arg : args) {
      command.append(' ').append(ChildJvm.quote(arg));
    }
    new BenchmarkSuite(plan, ChildJvm.current(), options.invokedAs(), command.toString(),
        System.out).run();
  }

  /**
   * Runs every step, then writes the report; returns the report's path.
   *
   * @throws StepFailedException naming the step that failed
   */
  Path run() throws IOException, InterruptedException {
    Path bench = plan.docs().resolve(ResultFiles.BENCH_DIR);
    Files.createDirectories(bench);
    Path recordFile = bench.resolve(ResultFiles.SUITE_RUN);
    Instant started = Instant.now();
    MachineInfo machine = MachineInfo.detect();
    List<SuiteRecord.StepRecord> done = new ArrayList<>();
    long suiteStart = System.nanoTime();
    List<Step> steps = plan.steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      console.printf("%n== [%d/%d] %s: %s (estimated %s)%n$ %s%n", i + 1, steps.size(),
          step.name(), step.description(), Fmt.seconds(step.estimatedSeconds()),
          jvm.display(step));
      long stepStart = System.nanoTime();
      try {
        jvm.run(step);
      } catch (StepFailedException e) {
        done.add(record(step, stepStart));
        new SuiteRecord(plan.mode().label(), invokedAs, command, started, Instant.now(), machine,
            done, step.name()).write(recordFile);
        console.printf("%n== suite stopped: step %s failed; the results of the steps before it"
            + " are in %s (ReportWriter --docs %s writes a report from them)%n", step.name(),
            bench, plan.docs());
        throw e;
      }
      done.add(record(step, stepStart));
      console.printf("== %s done in %s (estimated %s)%n", step.name(),
          Fmt.seconds(done.get(done.size() - 1).seconds()), Fmt.seconds(step.estimatedSeconds()));
    }
    new SuiteRecord(plan.mode().label(), invokedAs, command, started, Instant.now(), machine,
        done, null).write(recordFile);
    Path report = ReportWriter.write(plan.docs());
    console.printf("%n== suite finished in %s (estimated %s); wrote %s and %s%n",
        Fmt.seconds((System.nanoTime() - suiteStart) / 1e9),
        Fmt.seconds(plan.estimatedSeconds()), report, bench);
    return report;
  }

  private SuiteRecord.StepRecord record(Step step, long startNanos) {
    return new SuiteRecord.StepRecord(step.name(), step.description(),
        plan.docs().relativize(step.resultFile()).toString(), jvm.display(step),
        step.estimatedSeconds(), (System.nanoTime() - startNanos) / 1e9);
  }

  /** The parsed command line. */
  record Options(SuiteMode mode, Path docs, boolean planOnly, String invokedAs, boolean help) {

    static Options parse(String[] args) {
      SuiteMode mode = SuiteMode.QUICK;
      Path docs = Path.of("docs");
      boolean planOnly = false;
      boolean help = false;
      String invokedAs = "";
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> mode = SuiteMode.QUICK;
          case "--full" -> mode = SuiteMode.FULL;
          case "--plan" -> planOnly = true;
          case "--help", "-h" -> help = true;
          case "--docs" -> docs = Path.of(value(args, i++));
          case "--invoked-as" -> invokedAs = value(args, i++);
          default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n"
              + USAGE);
        }
      }
      return new Options(mode, docs, planOnly, invokedAs, help);
    }

    private static String value(String[] args, int flag) {
      if (flag + 1 >= args.length) {
        throw new IllegalArgumentException(args[flag] + " needs a value\n" + USAGE);
      }
      return args[flag + 1];
    }
  }
}
