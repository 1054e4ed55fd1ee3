package dev.switchboard.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkSuiteTest {
  @TempDir
  Path docs;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  private MainRun step(String name, String action, String file) {
    Path result = docs.resolve("bench").resolve(file);
    List<String> args = action.equals("write") ? List.of("write", result.toString())
        : List.of(action);
    return new MainRun(name, "fake " + name, result, FakeStep.class, args, null, 1, "1 s");
  }

  private BenchmarkSuite suite(Step... steps) {
    return suite(false, "jmh/bench --quick", steps);
  }

  private BenchmarkSuite suite(boolean partial, String invokedAs, Step... steps) {
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    return new BenchmarkSuite(new SuitePlan(SuiteMode.QUICK, docs, List.of(steps)), partial,
        new ChildJvm(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            System.getProperty("java.class.path"), out), invokedAs, "test", out);
  }

  @Test
  void runsEveryStepInAChildJvmThenRecordsThemAndWritesTheReport() throws Exception {
    Path report = suite(step("first", "write", "first.txt"), step("second", "write",
        "second.txt")).run();

    assertThat(docs.resolve("bench/first.txt")).exists();
    assertThat(docs.resolve("bench/second.txt")).exists();
    assertThat(report).isEqualTo(docs.resolve("benchmarks.md")).exists();
    SuiteRecord record = SuiteRecord.read(docs.resolve("bench/suite-run.json"));
    assertThat(record.mode()).isEqualTo("quick");
    assertThat(record.failedStep()).isNull();
    assertThat(record.steps()).extracting(SuiteRecord.StepRecord::name)
        .containsExactly("first", "second");
    assertThat(record.steps().get(0).command()).contains(FakeStep.class.getName() + " write");
    assertThat(Files.readString(report)).contains("| mode | quick |");
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("== [2/2] second");
  }

  @Test
  void aFailingStepStopsTheSuiteWithAnExceptionNamingIt() throws Exception {
    BenchmarkSuite suite = suite(step("first", "write", "first.txt"),
        step("broken", "fail", "broken.json"), step("third", "write", "third.txt"));

    assertThatThrownBy(suite::run).isInstanceOf(StepFailedException.class)
        .hasMessageContaining("step 'broken' (fake broken) exited with status 1")
        .hasMessageContaining(FakeStep.class.getName() + " fail")
        .satisfies(e -> assertThat(((StepFailedException) e).step()).isEqualTo("broken"));
    assertThat(docs.resolve("bench/third.txt")).doesNotExist();
    assertThat(docs.resolve("benchmarks.md")).doesNotExist();
    assertThat(SuiteRecord.read(docs.resolve("bench/suite-run.json")).failedStep())
        .isEqualTo("broken");
  }

  @Test
  void aStepThatWritesNoResultFails() {
    assertThatThrownBy(suite(step("lazy", "nothing", "lazy.json"))::run)
        .isInstanceOf(StepFailedException.class)
        .hasMessageContaining("step 'lazy'").hasMessageContaining("did not write");
  }

  @Test
  void capturedOutputGoesToTheConsoleAndTheResultFile() throws Exception {
    Path result = docs.resolve("bench").resolve("printed.md");
    MainRun printing = new MainRun("printing", "prints", result, FakeStep.class,
        List.of("print", "| a | b |"), result, 1, "1 s");

    suite(printing).run();

    assertThat(Files.readString(result)).isEqualTo("| a | b |\n");
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("| a | b |");
  }

  @Test
  void optionsDefaultToQuickAndDocs() {
    BenchmarkSuite.Options options = BenchmarkSuite.Options.parse(new String[0]);

    assertThat(options.mode()).isEqualTo(SuiteMode.QUICK);
    assertThat(options.docs()).isEqualTo(Path.of("docs"));
    assertThat(BenchmarkSuite.Options.parse(new String[] {"--full", "--docs", "/tmp/d"}))
        .isEqualTo(new BenchmarkSuite.Options(SuiteMode.FULL, Path.of("/tmp/d"), false, "",
            false, List.of()));
    assertThatThrownBy(() -> BenchmarkSuite.Options.parse(new String[] {"--fast"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--fast");
    assertThatThrownBy(() -> BenchmarkSuite.Options.parse(new String[] {"--docs"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
  }

  @Test
  void onlyTakesCommaSeparatedStepNames() {
    assertThat(BenchmarkSuite.Options.parse(new String[] {"--only", "zone-sim, discovery,,zone-sim",
        "--full", "--plan"})).isEqualTo(new BenchmarkSuite.Options(SuiteMode.FULL,
            Path.of("docs"), true, "", false, List.of("zone-sim", "discovery")));
    assertThatThrownBy(() -> BenchmarkSuite.Options.parse(new String[] {"--only", " , "}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--only needs step"
            + " names");
    assertThatThrownBy(() -> BenchmarkSuite.Options.parse(new String[] {"--only"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
  }

  @Test
  void aRunOfOnlySomeStepsKeepsTheOtherResultsAndIsARerunInTheRecord() throws Exception {
    suite(step("first", "write", "first.txt"), step("second", "write", "second.txt")).run();
    Path first = docs.resolve("bench/first.txt");
    Files.writeString(first, "kept\n");

    suite(true, "jmh/bench --only second", step("second", "write", "second.txt")).run();

    assertThat(first).hasContent("kept");
    SuiteRecord record = SuiteRecord.read(docs.resolve("bench/suite-run.json"));
    assertThat(record.invokedAs()).isEqualTo("jmh/bench --quick");
    assertThat(record.steps()).extracting(SuiteRecord.StepRecord::name)
        .containsExactly("first", "second");
    assertThat(record.reruns()).singleElement().satisfies(rerun -> {
      assertThat(rerun.invokedAs()).isEqualTo("jmh/bench --only second");
      assertThat(rerun.steps()).extracting(SuiteRecord.StepRecord::name)
          .containsExactly("second");
      assertThat(rerun.started()).isAfterOrEqualTo(record.finished());
    });
    assertThat(record.rerunOf("second")).contains(record.reruns().get(0));
    assertThat(record.rerunOf("first")).isEmpty();
    String report = Files.readString(docs.resolve("benchmarks.md"));
    assertThat(report).contains("| command | `jmh/bench --quick`, i.e. `test` |")
        .containsPattern("\\| re-run \\| steps second at \\d{4}-\\d\\d-\\d\\d \\S+ UTC to .*, quick"
            + " mode: `jmh/bench --only second`, i.e. `test` \\|")
        .containsPattern("- second: fake second, .*\\(re-run at \\d{4}-.* UTC, took ");
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("== only 1 step;");
  }

  @Test
  void aRunOfOnlySomeStepsWithoutAnEarlierRecordIsTheRecord() throws Exception {
    suite(true, "jmh/bench --only second", step("second", "write", "second.txt")).run();

    SuiteRecord record = SuiteRecord.read(docs.resolve("bench/suite-run.json"));
    assertThat(record.invokedAs()).isEqualTo("jmh/bench --only second");
    assertThat(record.reruns()).isEmpty();
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("the suite record will hold only this run (no suite-run.json)");
  }

  @Test
  void aFailedRerunIsRecordedAsSuch() throws Exception {
    suite(step("first", "write", "first.txt")).run();

    assertThatThrownBy(suite(true, "jmh/bench --only broken", step("broken", "fail",
        "broken.json"))::run).isInstanceOf(StepFailedException.class);

    SuiteRecord record = SuiteRecord.read(docs.resolve("bench/suite-run.json"));
    assertThat(record.failedStep()).isNull();
    assertThat(record.reruns()).singleElement()
        .satisfies(rerun -> assertThat(rerun.failedStep()).isEqualTo("broken"));
    assertThat(record.latestSteps()).extracting(SuiteRecord.StepRecord::name)
        .containsExactly("first", "broken");
  }
}
