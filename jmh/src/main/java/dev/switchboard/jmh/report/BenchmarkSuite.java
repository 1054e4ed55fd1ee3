package dev.switchboard.jmh.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark suite: runs every benchmark of {@link SuitePlan}, one after another, each in its
 * own child JVM, writing the results under {@code DIR/bench/}, then rewrites
 * {@code DIR/benchmarks.md} with {@link ReportWriter}. Quick mode (the default) fits in 10
 * minutes on 2 cores; full mode is for serious runs. The plan and its time estimate are printed
 * first; {@code --plan} prints them and stops.
 *
 * <p>{@code --only STEP[,STEP...]} runs only those steps of the mode's plan (steps on request
 * only included), leaves every other result file as it is, and rewrites the report. Its run is
 * added to the suite record as a re-run of those steps, so the report's header keeps the earlier
 * run and says which steps ran again, when, and with which command. A name the plan lacks is a
 * usage error listing the plan's steps.
 *
 * <pre>
 * jmh/bench [--quick|--full] [--only STEP,...]   # builds the jar if needed, then runs this
 * java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.report.BenchmarkSuite \
 *     [--quick|--full] [--only STEP,...] [--docs DIR] [--plan] [--invoked-as COMMAND]
 * </pre>
 *
 * <p>A failing step stops the suite with a {@link StepFailedException} naming it; the report is
 * then not rewritten, and the results of the steps before it stay in {@code DIR/bench/}.
 *
 * <p>Not thread-safe: one run at a time per instance.
 */
public final class BenchmarkSuite {
  private static final String USAGE = "usage: BenchmarkSuite [--quick|--full] [--only STEP,...]"
      + " [--docs DIR] [--plan] [--invoked-as COMMAND]\n"
      + "  --quick       one fork, short iterations, picks at N=1000 only: <= 10 min on 2 cores"
      + " (default)\n"
      + "  --full        3 forks, longer iterations, every parameter value\n"
      + "  --only        only these steps of the plan (comma-separated); keeps the other results"
      + " and rewrites the report\n"
      + "  --docs DIR    where benchmarks.md and bench/ go (default: docs)\n"
      + "  --plan        print the plan and its time estimate, run nothing\n"
      + "  --invoked-as  the command the user typed, for the report (set by jmh/bench)";

  private final SuitePlan plan;
  private final boolean partial;
  private final ChildJvm jvm;
  private final String invokedAs;
  private final String command;
  private final PrintStream console;

  /**
   * Returns a suite of {@code plan}; {@code partial} if it is only some steps of the mode's plan,
   * whose run is then a re-run in the earlier suite record.
   */
  BenchmarkSuite(SuitePlan plan, boolean partial, ChildJvm jvm, String invokedAs,
      String command, PrintStream console) {
    this.plan = plan;
    this.partial = partial;
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
    boolean partial = !options.only().isEmpty();
    if (partial) {
      plan = plan.only(options.only());
    }
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
    new BenchmarkSuite(plan, partial, ChildJvm.current(), options.invokedAs(),
        command.toString(), System.out).run();
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
    SuiteRecord earlier = null;
    if (partial) {
      Loaded<SuiteRecord> record = Loaded.from(recordFile, SuiteRecord::read);
      earlier = record.value();
      console.printf("== only %d step%s; the other results in %s stay as they are, %s%n",
          plan.steps().size(), plan.steps().size() == 1 ? "" : "s", bench, record.present()
              ? "and this run is added to their record as a re-run"
              : "and the suite record will hold only this run (" + record.reason() + ")");
    }
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
        write(recordFile, earlier, new SuiteRecord(plan.mode().label(), invokedAs, command,
            started, Instant.now(), machine, done, step.name()));
        console.printf("%n== suite stopped: step %s failed; the results of the steps before it"
            + " are in %s (ReportWriter --docs %s writes a report from them)%n", step.name(),
            bench, plan.docs());
        throw e;
      }
      done.add(record(step, stepStart));
      console.printf("== %s done in %s (estimated %s)%n", step.name(),
          Fmt.seconds(done.get(done.size() - 1).seconds()), Fmt.seconds(step.estimatedSeconds()));
    }
    write(recordFile, earlier, new SuiteRecord(plan.mode().label(), invokedAs, command, started,
        Instant.now(), machine, done, null));
    Path report = ReportWriter.write(plan.docs());
    console.printf("%n== suite finished in %s (estimated %s); wrote %s and %s%n",
        Fmt.seconds((System.nanoTime() - suiteStart) / 1e9),
        Fmt.seconds(plan.estimatedSeconds()), report, bench);
    return report;
  }

  /** Writes {@code run}'s record, as a re-run in {@code earlier} unless that is null. */
  private static void write(Path file, SuiteRecord earlier, SuiteRecord run)
      throws IOException {
    (earlier == null ? run : earlier.withRerun(run)).write(file);
  }

  private SuiteRecord.StepRecord record(Step step, long startNanos) {
    return new SuiteRecord.StepRecord(step.name(), step.description(),
        plan.docs().relativize(step.resultFile()).toString(), jvm.display(step),
        step.estimatedSeconds(), (System.nanoTime() - startNanos) / 1e9);
  }

  /** The parsed command line; {@code only} empty for every step. */
  record Options(SuiteMode mode, Path docs, boolean planOnly, String invokedAs, boolean help,
      List<String> only) {

    Options {
      only = List.copyOf(only);
    }

    static Options parse(String[] args) {
      SuiteMode mode = SuiteMode.QUICK;
      Path docs = Path.of("docs");
      boolean planOnly = false;
      boolean help = false;
      String invokedAs = "";
      List<String> only = List.of();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> mode = SuiteMode.QUICK;
          case "--full" -> mode = SuiteMode.FULL;
          case "--plan" -> planOnly = true;
          case "--help", "-h" -> help = true;
          case "--docs" -> docs = Path.of(value(args, i++));
          case "--invoked-as" -> invokedAs = value(args, i++);
          case "--only" -> only = steps(value(args, i++));
          default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n"
              + USAGE);
        }
      }
      return new Options(mode, docs, planOnly, invokedAs, help, only);
    }

    private static List<String> steps(String names) {
      List<String> steps = Arrays.stream(names.split(",")).map(String::strip)
          .filter(name -> !name.isEmpty()).distinct().toList();
      if (steps.isEmpty()) {
        throw new IllegalArgumentException("--only needs step names, e.g. --only"
            + " call-latency,discovery\n" + USAGE);
      }
      return steps;
    }

    private static String value(String[] args, int flag) {
      if (flag + 1 >= args.length) {
        throw new IllegalArgumentException(args[flag] + " needs a value\n" + USAGE);
      }
      return args[flag + 1];
    }
  }
}
