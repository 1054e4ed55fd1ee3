package dev.switchboard.jmh.sim;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tail simulator: how each balancer copes with one backend of 10 that is 10 × slower, in two
 * server models (latency only, and FIFO queueing at 70 % of the capacity left), against the
 * all-healthy cluster as baseline; and with one backend of 3 that fails every call fast, for good
 * or flapping, under light and heavy load ({@link FailureSimulation}). A deterministic discrete-event simulation in virtual time in
 * the spirit of Finagle's balancersim, not a JMH timing: the output depends only on the
 * arguments. Prints a markdown section (see {@link Report}); optionally writes it and a JSON
 * document to files.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.sim.TailSimulator \
 *     [--requests N] [--seed S] [--json FILE] [--markdown FILE]
 * </pre>
 *
 * <p>Not thread-safe; runs every simulation one after another on the calling thread.
 */
public final class TailSimulator {
  /** Requests per run by default: the 32 runs take about 9 s on one core of a small VM. */
  public static final int DEFAULT_REQUESTS = 1_000_000;
  /** The seed by default. */
  public static final long DEFAULT_SEED = 42;
  /** The offered load of the queueing model, as a fraction of the slow cluster's capacity. */
  public static final double QUEUEING_LOAD = 0.70;

  private static final String USAGE = "usage: TailSimulator [--requests N] [--seed S]"
      + " [--json FILE] [--markdown FILE]\n  --requests: requests per run (default "
      + DEFAULT_REQUESTS + "), --seed: default " + DEFAULT_SEED + "; the markdown always goes to"
      + " standard output too";

  private TailSimulator() {}

  /** Runs the simulator; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    if (List.of(args).contains("--help")) {
      System.out.println(USAGE);
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
    }
    long started = System.nanoTime();
    Report report = simulate(options.requests(), options.seed(), options.command());
    String markdown = report.markdown();
    // UTF-8 whatever the platform's default (σ, ×, ÷ and → would turn into '?' under LANG=C).
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    out.print(markdown);
    out.flush();
    if (options.markdown() != null) {
      Files.writeString(Path.of(options.markdown()), markdown, StandardCharsets.UTF_8);
    }
    if (options.json() != null) {
      Files.writeString(Path.of(options.json()), report.json(), StandardCharsets.UTF_8);
    }
    System.err.printf("%d runs of %,d requests in %.1f s (wall clock)%n", 4 * Policy.all().size(),
        options.requests(), (System.nanoTime() - started) / 1e9);
  }

  /** Returns the two server models, latency-only first. */
  public static List<ServerModel> models() {
    return List.of(ServerModel.latencyOnly(), ServerModel.queueing(QUEUEING_LOAD));
  }

  /**
   * Runs every model × cluster (slow, then healthy) × policy with {@code requests} requests each,
   * all from {@code seed}; {@code command} is quoted in the report as how it was produced.
   */
  public static Report simulate(int requests, long seed, String command) {
    List<ServerModel> models = models();
    List<RunResult> results = new ArrayList<>();
    for (ServerModel model : models) {
      for (boolean slow : new boolean[] {true, false}) {
        for (Policy policy : Policy.all()) {
          results.add(Simulation.run(model, slow, policy, requests, seed));
        }
      }
    }
    List<FailureSimulation.Result> failures = new ArrayList<>();
    for (FailureSimulation.Fault fault : FailureSimulation.Fault.values()) {
      for (FailureSimulation.Load load : FailureSimulation.Load.values()) {
        for (Policy policy : Policy.all()) {
          failures.add(FailureSimulation.run(fault, load, policy, seed));
        }
      }
    }
    return new Report(models, results, failures, requests, seed, command);
  }

  /** The parsed command line. */
  record Options(int requests, long seed, String json, String markdown) {

    static Options parse(String[] args) {
      int requests = DEFAULT_REQUESTS;
      long seed = DEFAULT_SEED;
      String json = null;
      String markdown = null;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        try {
          switch (flag) {
            case "--requests" -> requests = Integer.parseInt(value.replace("_", ""));
            case "--seed" -> seed = Long.parseLong(value);
            case "--json" -> json = value;
            case "--markdown" -> markdown = value;
            default -> throw new IllegalArgumentException("unknown option " + flag);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(flag + " " + value + " is not a number");
        }
      }
      if (requests < 1_000) {
        throw new IllegalArgumentException("--requests " + requests + " is below 1000");
      }
      return new Options(requests, seed, json, markdown);
    }

    /** Returns the command that reproduces this run. */
    String command() {
      return "java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.sim.TailSimulator"
          + " --requests " + requests + " --seed " + seed
          + (json == null ? "" : " --json " + json)
          + (markdown == null ? "" : " --markdown " + markdown);
    }
  }
}
