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
import java.util.List;

/**
 * What a suite run did, kept in {@code bench/suite-run.json} beside the results so that the
 * report, even rewritten later by {@code ReportWriter} alone, can say how they were produced:
 * mode, the exact command, start and end, the machine, and each step's command, estimated and
 * actual time.
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
 */
record SuiteRecord(String mode, String invokedAs, String command, Instant started,
    Instant finished, MachineInfo machine, List<StepRecord> steps, String failedStep) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  SuiteRecord {
    steps = List.copyOf(steps);
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
    Files.writeString(file, JSON.writeValueAsString(root) + "\n");
  }

  /**
   * Reads what {@link #write} wrote.
   *
   * @throws IllegalArgumentException if the file has no mode or start
   */
  static SuiteRecord read(Path file) throws IOException {
    JsonNode root = JSON.readTree(Files.readString(file));
    if (root == null || !root.hasNonNull("mode") || !root.hasNonNull("started")) {
      throw new IllegalArgumentException(file + " is not a suite record (no mode or start)");
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
        root.hasNonNull("failedStep") ? root.path("failedStep").asText() : null);
  }
}
