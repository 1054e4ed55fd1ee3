package dev.switchboard.jmh.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats the results of a simulator run: a markdown section (description, the exact command,
 * one table per server model, the targets) and a hand-written JSON document with every number.
 * Nothing in either depends on the machine or the time of the run, so the same arguments give
 * byte-identical output.
 *
 * <p>Not thread-safe; used by one thread.
 */
public final class Report {
  private final List<ServerModel> models;
  private final List<RunResult> results;
  private final int requests;
  private final long seed;
  private final String command;
  private final List<FailureSimulation.Result> failures;

  /**
   * Creates a report of {@code results} (every model × cluster × policy) for {@code models},
   * produced with {@code requests} requests per run and {@code seed} by {@code command}.
   */
  public Report(List<ServerModel> models, List<RunResult> results, int requests, long seed,
      String command) {
    this(models, results, List.of(), requests, seed, command);
  }

  /** As above, with the runs of the failure simulation ({@link FailureSimulation}). */
  public Report(List<ServerModel> models, List<RunResult> results,
      List<FailureSimulation.Result> failures, int requests, long seed, String command) {
    this.models = List.copyOf(models);
    this.results = List.copyOf(results);
    this.failures = List.copyOf(failures);
    this.requests = requests;
    this.seed = seed;
    this.command = command;
  }

  /** Returns the result for {@code model}, cluster and policy key, or null. */
  public RunResult find(String model, boolean slowCluster, String policyKey) {
    for (RunResult result : results) {
      if (result.model().equals(model) && result.slowCluster() == slowCluster
          && result.policy().key().equals(policyKey)) {
        return result;
      }
    }
    return null;
  }

  /** Returns p99 with the slow backend over p99 of the healthy cluster, same model and policy. */
  public double p99OverHealthy(RunResult result) {
    RunResult healthy = find(result.model(), false, result.policy().key());
    return healthy == null ? Double.NaN : result.p99Millis() / healthy.p99Millis();
  }

  /** Returns the markdown section. */
  public String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("## Tail latency with one slow backend (simulation)\n\n");
    out.append("Produced by `dev.switchboard.jmh.sim.TailSimulator`, a deterministic"
        + " discrete-event simulation in virtual time (not a timing benchmark: the machine's"
        + " speed and load do not change the numbers), with\n`").append(command).append("`\n");
    out.append(format("(%,d requests per run, seed %d; the same arguments give the same"
        + " tables). ", requests, seed));
    out.append("Switchboard's balancers run on their real selection classes from"
        + " `dev.switchboard.loadbalance.select` (the smooth WRR schedule, the alias table, the"
        + " Maglev table with `KeyHash` and `BoundedLoad`, `PowerOfTwoChoices` over `EndpointLoad`"
        + " records timed by the virtual clock; peak EWMA with its default 10 s decay window);"
        + " the gRPC rows are models of grpc-java's algorithms, not grpc-java's code. Every"
        + " backend has weight 100, and every balancer sees the same arrivals and request sizes."
        + " Latency is measured from the request's arrival to its response.\n");
    char letter = 'A';
    for (ServerModel model : models) {
      out.append(format("%n### Model %c: %s%n%n", letter++, model.title()));
      out.append(model.describe()).append("\n\n");
      table(out, model);
      if (!model.queues()) {
        out.append("\nWithout queueing and with equal backends, where a request goes does not"
            + " change its latency, so every balancer has the same healthy-cluster row.\n");
      }
    }
    out.append(format("%nUnstable: the backlog grows without bound, seen as growth over the run:"
        + " the requests waiting for a worker (all backends, mean seen by arrivals) over the last"
        + " tenth of the arrivals are at least %s × those over the middle tenth (arrivals"
        + " 45-55 %%), and at least %d (a queue fed faster than it drains gives about 1.9 ×, a"
        + " stable one about 1 ×). Max ρ is the highest demand on one backend, service time sent"
        + " to it ÷ (workers × arrival window); above 1 its queue must grow, near 1 a load-aware"
        + " balancer can still hold it with a short queue. An unstable run's tail latencies grow"
        + " with the run's length; a latency-only run has no queues, so no stability to judge.%n",
        num(RunResult.GROWTH), RunResult.MIN_GROWING_BACKLOG));
    targets(out);
    if (!failures.isEmpty()) {
      failureSection(out);
    }
    return out.toString();
  }

  /** The share an instance that fails fast may get from the load-aware balancers. */
  public static final double BROKEN_SHARE_LOAD_AWARE = 0.05;
  /** The share it may get from the static balancers once accrual has removed it. */
  public static final double BROKEN_SHARE_EJECTED = 0.01;

  private void failureSection(StringBuilder out) {
    out.append("\n## Balancing under failure (simulation)\n\n");
    out.append(format("Produced by the same command, by `dev.switchboard.jmh.sim.FailureSimulation`:"
        + " %d backends of equal weight without queueing, lognormal service time with median %s"
        + " ms (σ 0.25); backend #0 answers every request at once (%s ms) with a failure, for the"
        + " whole run (*fails fast*) or 2 s out of every 4 (*flapping*, broken first); Poisson"
        + " arrivals, light (%,.0f/s, about one request in flight in all) or heavy (%,.0f/s);"
        + " %d s of virtual time; no retries. Switchboard's balancers run as configured by"
        + " default, failure accrual included, on the real `EndpointLoad`, `EndpointHealth` and"
        + " `Rotation` classes; the gRPC rows are models without failure handling (gRPC's outlier"
        + " ejection is off by default). *First second*: the share of requests sent to #0 in the"
        + " first second of a broken phase; *after*: the rest of the broken time; *while healthy*"
        + " (flapping): its share between failures, 33.3 %% when it is fully back.%n%n",
        FailureSimulation.BACKENDS, num(FailureSimulation.SERVICE_MILLIS),
        num(FailureSimulation.FAILURE_MILLIS), FailureSimulation.Load.LIGHT.perSecond,
        FailureSimulation.Load.HEAVY.perSecond, FailureSimulation.SECONDS));
    out.append("| balancer | fault | load | to #0, first second | to #0, after | to #0 while"
        + " healthy | calls failed |\n|---|---|---|---|---|---|---|\n");
    for (FailureSimulation.Result result : failures) {
      out.append(format("| %s | %s | %s | %s | %s | %s | %s |%n", result.policy().label(),
          result.fault().key, result.load().key, percent(result.shareFirstSecond()),
          percent(result.shareAfter()), percent(result.shareHealthy()),
          percent(result.failed())));
    }
    out.append("\nTargets:\n\n");
    List<String> loadAware = new ArrayList<>();
    List<String> ejected = new ArrayList<>();
    boolean loadAwareMet = true;
    boolean ejectedMet = true;
    for (FailureSimulation.Result result : failures) {
      if (!result.policy().switchboardDefault()
          || result.fault() != FailureSimulation.Fault.FAILS_FAST) {
        continue;
      }
      String figure = result.policy().label() + " " + result.load().key + " "
          + percent(result.shareAfter());
      if (result.policy().key().equals("sb-least-request")
          || result.policy().key().equals("sb-peak-ewma")) {
        loadAware.add(figure);
        loadAwareMet &= result.shareAfter() <= BROKEN_SHARE_LOAD_AWARE;
      } else {
        ejected.add(figure);
        ejectedMet &= result.shareAfter() <= BROKEN_SHARE_EJECTED;
      }
    }
    out.append(format("- an instance that fails every call fast receives ≤ %.0f %% of calls after"
        + " its first second under least-request and peak EWMA: %s (%s).%n",
        100 * BROKEN_SHARE_LOAD_AWARE, String.join(", ", loadAware),
        loadAwareMet ? "met" : "not met"));
    out.append(format("- under the static balancers, ≈ 0 (≤ %.0f %%) once failure accrual has"
        + " removed it: %s (%s).%n", 100 * BROKEN_SHARE_EJECTED, String.join(", ", ejected),
        ejectedMet ? "met" : "not met"));
  }

  private static String percent(double share) {
    return Double.isNaN(share) ? "—" : format("%.1f %%", 100 * share);
  }

  private void table(StringBuilder out, ServerModel model) {
    boolean queues = model.queues();
    out.append("| balancer | cluster | p50 ms | p99 ms | p99.9 ms | sent to #0"
        + " | p99 ÷ healthy p99");
    out.append(queues ? " | max ρ | waiting, middle → last tenth | longest queue | unstable |\n"
        : " |\n");
    out.append(queues ? "|---|---|---|---|---|---|---|---|---|---|---|\n"
        : "|---|---|---|---|---|---|---|\n");
    for (boolean slow : new boolean[] {true, false}) {
      for (RunResult result : results) {
        if (!result.model().equals(model.key()) || result.slowCluster() != slow) {
          continue;
        }
        out.append(format("| %s | %s | %s | %s | %s | %.2f %% | %s", result.policy().label(),
            slow ? "slow #0" : "healthy", millis(result.p50Millis()),
            millis(result.p99Millis()), millis(result.p999Millis()), 100 * result.shareToSlow(),
            slow ? ratio(p99OverHealthy(result)) : "—"));
        if (queues) {
          out.append(format(" | %.3f | %,.1f → %,.1f | %,d | %s", result.maxDemand(),
              result.waitingMiddle(), result.waitingEnd(), result.maxQueue(),
              result.unstable() ? "**yes**" : "no"));
        }
        out.append(" |\n");
      }
    }
  }

  private void targets(StringBuilder out) {
    out.append("\nTargets:\n\n");
    List<String> ratios = new ArrayList<>();
    boolean met = true;
    for (ServerModel model : models) {
      RunResult ewma = find(model.key(), true, "sb-peak-ewma");
      if (ewma != null) {
        double ratio = p99OverHealthy(ewma);
        met &= ratio <= 1.2;
        ratios.add(model.key() + " " + ratio(ratio));
      }
    }
    out.append("- one slow backend of 10, p99 ≤ 1.2 × healthy p99 with peak EWMA: ")
        .append(String.join(", ", ratios)).append(met ? " (met)" : " (not met)").append(".\n");
    List<String> unstableDefaults = new ArrayList<>();
    List<String> unstableOthers = new ArrayList<>();
    for (RunResult result : results) {
      if (result.unstable()) {
        String name = "`" + result.policy().label() + "` (" + (result.slowCluster() ? "slow"
            : "healthy") + " cluster)";
        (result.policy().switchboardDefault() ? unstableDefaults : unstableOthers).add(name);
      }
    }
    out.append("- no default policy unstable in the queueing model: ")
        .append(unstableDefaults.isEmpty() ? "none of Switchboard's policies in its default"
            + " configuration is unstable (met)"
            : "unstable: " + String.join(", ", unstableDefaults) + " (not met)");
    out.append(unstableOthers.isEmpty() ? ".\n"
        : "; also unstable, outside the target: " + String.join(", ", unstableOthers) + ".\n");
  }

  /** Returns the JSON document. */
  public String json() {
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"simulator\": \"dev.switchboard.jmh.sim.TailSimulator\",\n");
    out.append("  \"command\": ").append(string(command)).append(",\n");
    out.append(format("  \"requestsPerRun\": %d,%n  \"seed\": %d,%n", requests, seed));
    out.append("  \"models\": [\n");
    for (int i = 0; i < models.size(); i++) {
      ServerModel model = models.get(i);
      out.append(format("    {\"model\": %s, \"description\": %s, \"backends\": %d,"
          + " \"workers\": %d, \"serviceMillis\": %s, \"lognormalSigma\": %s,"
          + " \"slowdown\": %s, \"arrivalsPerSecond\": %s, \"offeredLoadSlowCluster\": %s,"
          + " \"offeredLoadHealthyCluster\": %s}%s%n", string(model.key()),
          string(model.describe()), model.backends(), model.workers(),
          number(model.serviceMillis()), number(model.lognormalSigma()),
          number(model.slowdown()), number(model.arrivalsPerSecond()),
          number(model.offeredLoad(true)), number(model.offeredLoad(false)),
          i + 1 < models.size() ? "," : ""));
    }
    out.append("  ],\n  \"results\": [\n");
    for (int i = 0; i < results.size(); i++) {
      RunResult result = results.get(i);
      out.append(format("    {\"model\": %s, \"cluster\": %s, \"balancer\": %s, \"label\": %s,"
          + " \"switchboardDefault\": %b, \"requests\": %d, \"virtualSeconds\": %s,"
          + " \"p50Millis\": %s, \"p99Millis\": %s, \"p999Millis\": %s, \"shareToSlow\": %s,"
          + " \"p99OverHealthyP99\": %s, \"maxDemand\": %s, \"waitingMiddle\": %s,"
          + " \"waitingEnd\": %s, \"maxQueue\": %s, \"unstable\": %s}%s%n",
          string(result.model()), string(result.slowCluster() ? "slow" : "healthy"),
          string(result.policy().key()), string(result.policy().label()),
          result.policy().switchboardDefault(), result.requests(),
          number(result.virtualSeconds()), number(result.p50Millis()),
          number(result.p99Millis()), number(result.p999Millis()),
          number(result.shareToSlow()),
          result.slowCluster() ? number(p99OverHealthy(result)) : "null",
          number(result.maxDemand()), number(result.waitingMiddle()),
          number(result.waitingEnd()), result.queueing() ? String.valueOf(result.maxQueue())
              : "null", result.queueing() ? String.valueOf(result.unstable()) : "null",
          i + 1 < results.size() ? "," : ""));
    }
    out.append("  ],\n  \"failures\": [\n");
    for (int i = 0; i < failures.size(); i++) {
      FailureSimulation.Result result = failures.get(i);
      out.append(format("    {\"fault\": %s, \"load\": %s, \"balancer\": %s, \"label\": %s,"
          + " \"switchboardDefault\": %b, \"requests\": %d, \"shareFirstSecond\": %s,"
          + " \"shareAfter\": %s, \"shareHealthy\": %s, \"failed\": %s}%s%n",
          string(result.fault().key), string(result.load().key),
          string(result.policy().key()), string(result.policy().label()),
          result.policy().switchboardDefault(), result.requests(),
          number(result.shareFirstSecond()), number(result.shareAfter()),
          number(result.shareHealthy()), number(result.failed()),
          i + 1 < failures.size() ? "," : ""));
    }
    out.append("  ]\n}\n");
    return out.toString();
  }

  /** Milliseconds to three significant figures, or whole from 100 ms on. */
  private static String millis(double value) {
    if (value >= 99.95) {
      return format("%,.0f", value);
    }
    return value >= 9.995 ? format("%.1f", value) : format("%.2f", value);
  }

  /** A ratio to three significant figures, or whole from 100 on. */
  private static String ratio(double value) {
    if (value >= 99.95) {
      return format("%,.0f×", value);
    }
    return value >= 9.995 ? format("%.1f×", value) : format("%.2f×", value);
  }

  private static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "null";
    }
    return num(value);
  }

  /** A number in the shortest form that reads back exactly; integers without ".0". */
  private static String num(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? String.valueOf((long) value) : String.valueOf(value);
  }

  private static String string(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
