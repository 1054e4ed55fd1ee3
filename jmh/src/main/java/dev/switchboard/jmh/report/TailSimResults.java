package dev.switchboard.jmh.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tail simulator's JSON document ({@code TailSimulator --json}), with the figures the
 * targets need: per model, cluster and balancer, p99 over the healthy cluster's p99 and whether
 * the run was unstable.
 *
 * <p>Immutable.
 *
 * @param command the command that produced it
 * @param runs every run
 */
record TailSimResults(String command, List<Run> runs, List<FailureRun> failures) {
  private static final ObjectMapper JSON = new ObjectMapper();

  TailSimResults {
    runs = List.copyOf(runs);
    failures = List.copyOf(failures);
  }

  /**
   * One run of the failure simulation. Immutable.
   *
   * @param fault {@code fails-fast} or {@code flapping}
   * @param load {@code light} or {@code heavy}
   * @param balancer the balancer's key
   * @param label the balancer as a user names it
   * @param switchboardDefault whether it is a Switchboard policy in its default configuration
   * @param shareAfter the share sent to the broken backend after the first second, NaN if none
   */
  record FailureRun(String fault, String load, String balancer, String label,
      boolean switchboardDefault, double shareAfter) {}

  /**
   * One simulated run. Immutable.
   *
   * @param model {@code latency-only} or {@code queueing}
   * @param slowCluster whether backend #0 was slow
   * @param balancer the balancer's key, e.g. {@code sb-peak-ewma}
   * @param label the balancer as a user names it
   * @param switchboardDefault whether it is a Switchboard policy in its default configuration
   * @param p99OverHealthy p99 over the healthy cluster's p99, NaN for healthy runs
   * @param unstable whether the backlog grew without bound (false where not judged)
   */
  record Run(String model, boolean slowCluster, String balancer, String label,
      boolean switchboardDefault, double p99OverHealthy, boolean unstable) {}

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException if it has no {@code results} array
   */
  static TailSimResults read(Path file) throws IOException {
    JsonNode root = JSON.readTree(Files.readString(file));
    if (root == null || !root.path("results").isArray()) {
      throw new IllegalArgumentException(file + " has no \"results\" array: not the tail"
          + " simulator's JSON");
    }
    List<Run> runs = new ArrayList<>();
    for (JsonNode run : root.path("results")) {
      runs.add(new Run(run.path("model").asText(), run.path("cluster").asText().equals("slow"),
          run.path("balancer").asText(), run.path("label").asText(),
          run.path("switchboardDefault").asBoolean(false),
          run.path("p99OverHealthyP99").isNumber()
              ? run.path("p99OverHealthyP99").asDouble() : Double.NaN,
          run.path("unstable").asBoolean(false)));
    }
    List<FailureRun> failures = new ArrayList<>();
    for (JsonNode run : root.path("failures")) {
      failures.add(new FailureRun(run.path("fault").asText(), run.path("load").asText(),
          run.path("balancer").asText(), run.path("label").asText(),
          run.path("switchboardDefault").asBoolean(false),
          run.path("shareAfter").isNumber() ? run.path("shareAfter").asDouble() : Double.NaN));
    }
    return new TailSimResults(root.path("command").asText(""), runs, failures);
  }
}
