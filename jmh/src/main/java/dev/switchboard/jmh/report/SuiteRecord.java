package dev.switchboard.jmh.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a suite run did, kept in {@code bench/suite-run.json} beside the results so that the
 * report, even rewritten later by {@code ReportWriter} alone, can say how they were produced:
 * mode, the exact command, start and end, the machine, and each step's command, estimated and
 * actual time. A later run of only some steps ({@code --only}) is added to the record it
 * re-ran them in as a re-run of its own, so the report can say which results came when.
 *
 * <p>Immutable.
 *
 * @param mode {@code quick} or {@code full}
 * @param invokedAs the command the user typed, e.g. {@code jmh/bench --quick}, or empty
 * @param command the suite's own java command
 * @param started when the run started
 * @param finished when it ended (successfully or not), or null while running
 * @param machine the machine it ran on
 * @param steps the steps run, in order (a failed step last)
 * @param failedStep the failed step's name, or null
 * @param reruns the later runs of some of the steps, oldest first (each without re-runs)
 */
record SuiteRecord(String mode, String invokedAs, String command, Instant started,
    Instant finished, MachineInfo machine, List<StepRecord> steps, String failedStep,
    List<SuiteRecord> reruns) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  SuiteRecord {
    steps = List.copyOf(steps);
    reruns = List.copyOf(reruns);
  }

  /** Returns the record of a run without re-runs. */
  SuiteRecord(String mode, String invokedAs, String command, Instant started, Instant finished,
      MachineInfo machine, List<StepRecord> steps, String failedStep) {
    this(mode, invokedAs, command, started, finished, machine, steps, failedStep, List.of());
  }

  /** Returns this record with {@code rerun}, a run of only some steps, added last. */
  SuiteRecord withRerun(SuiteRecord rerun) {
    List<SuiteRecord> all = new ArrayList<>(reruns);
    all.add(new SuiteRecord(rerun.mode, rerun.invokedAs, rerun.command, rerun.started,
        rerun.finished, rerun.machine, rerun.steps, rerun.failedStep));
    return new SuiteRecord(mode, invokedAs, command, started, finished, machine, steps,
        failedStep, all);
  }

  /**
   * Returns each step as last run: this run's steps in order, each replaced by its latest
   * re-run, then the steps only re-runs ran.
   */
  List<StepRecord> latestSteps() {
    Map<String, StepRecord> latest = new LinkedHashMap<>();
    steps.forEach(step -> latest.put(step.name(), step));
    reruns.forEach(rerun -> rerun.steps().forEach(step -> latest.put(step.name(), step)));
    return List.copyOf(latest.values());
  }

  /** Returns the latest re-run that ran {@code step}, if any. */
  Optional<SuiteRecord> rerunOf(String step) {
    for (int i = reruns.size() - 1; i >= 0; i--) {
      if (reruns.get(i).steps().stream().anyMatch(s -> s.name().equals(step))) {
        return Optional.of(reruns.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * One step as run. Immutable.
   *
   * @param name the step's name
   * @param description what it measures
   * @param resultFile the file it wrote, relative to the docs folder, e.g. {@code bench/x.json}
   * @param command the command that reproduces it
   * @param estimatedSeconds the plan's estimate
   * @param seconds how long it took
   */
  record StepRecord(String name, String description, String resultFile, String command,
      double estimatedSeconds, double seconds) {}

  /** Writes this to {@code file}. */
  void write(Path file) throws IOException {
    Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
  }

  private ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", mode).put("invokedAs", invokedAs).put("command", command)
        .put("started", started.toString())
        .put("finished", finished == null ? null : finished.toString());
    root.set("machine", machine.toJson());
    ArrayNode array = root.putArray("steps");
    for (StepRecord step : steps) {
      array.addObject().put("name", step.name()).put("description", step.description())
          .put("resultFile", step.resultFile()).put("command", step.command())
          .put("estimatedSeconds", step.estimatedSeconds()).put("seconds", step.seconds());
    }
    root.put("failedStep", failedStep);
    if (!reruns.isEmpty()) {
      ArrayNode later = root.putArray("reruns");
      reruns.forEach(rerun -> later.add(rerun.toJson()));
    }
    return root;
  }

  /**
   * Reads what {@link #write} wrote.
   *
   * @throws IllegalArgumentException if the file has no mode or start
   */
  static SuiteRecord read(Path file) throws IOException {
    return fromJson(JSON.readTree(Files.readString(file)), file);
  }

  private static SuiteRecord fromJson(JsonNode root, Path file) {
    if (root == null || !root.hasNonNull("mode") || !root.hasNonNull("started")) {
      throw new IllegalArgumentException(file + " is not a suite record (no mode or start)");
    }
    List<SuiteRecord> reruns = new ArrayList<>();
    for (JsonNode rerun : root.path("reruns")) {
      reruns.add(fromJson(rerun, file));
    }
    List<StepRecord> steps = new ArrayList<>();
    for (JsonNode step : root.path("steps")) {
      steps.add(new StepRecord(step.path("name").asText(), step.path("description").asText(),
          step.path("resultFile").asText(), step.path("command").asText(),
          step.path("estimatedSeconds").asDouble(Double.NaN),
          step.path("seconds").asDouble(Double.NaN)));
    }
    return new SuiteRecord(root.path("mode").asText(), root.path("invokedAs").asText(""),
        root.path("command").asText(""), Instant.parse(root.path("started").asText()),
        root.hasNonNull("finished") ? Instant.parse(root.path("finished").asText()) : null,
        MachineInfo.fromJson(root.path("machine")), steps,
        root.hasNonNull("failedStep") ? root.path("failedStep").asText() : null, reruns);
  }
}
