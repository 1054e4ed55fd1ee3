package dev.switchboard.jmh.report;

import dev.switchboard.jmh.KeyHashBenchmark;
import dev.switchboard.jmh.call.CallOverheadBenchmark;
import dev.switchboard.jmh.call.CallThroughputBenchmark;
import dev.switchboard.jmh.call.DubboTripleBenchmark;
import dev.switchboard.jmh.call.HeadToHeadBenchmark;
import dev.switchboard.jmh.call.TelemetryCallBenchmark;
import dev.switchboard.jmh.call.TlsCallBenchmark;
import dev.switchboard.jmh.discovery.DiscoveryTimings;
import dev.switchboard.jmh.lb.DubboPickBenchmark;
import dev.switchboard.jmh.lb.HashQuality;
import dev.switchboard.jmh.lb.PickBenchmark;
import dev.switchboard.jmh.sim.SubsetSimulation;
import dev.switchboard.jmh.sim.TailSimulator;
import dev.switchboard.jmh.sim.ZoneSimulation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What the suite runs in a mode, in order, with the time budget: the JMH benchmarks (pick cost
 * on 1 and 2 threads, key hashing, call latency, call throughput on 1 and 8 threads and async
 * with 64 in flight, call latency over mutual TLS on Netty's default TLS implementation and on
 * the JDK's, call latency with telemetry off and on, Dubbo 3 over Triple side by side), then hash
 * quality, the tail simulator, the zone-aware routing and subsetting simulations and the
 * discovery timings. {@link #only} keeps some of the steps ({@code --only}).
 *
 * <p>Quick: one fork, short iterations, picks at N = 1,000 only (the targets' size) and only the
 * shipped key hash; it must fit {@link #QUICK_BUDGET_SECONDS} on 2 cores. Full: 3 forks, longer
 * iterations, every parameter value.
 *
 * <p>The two TLS steps run in both modes with the call steps' settings. In quick mode they add
 * 2 × (3 stacks × 7.5 s + 1 s) = 47 s, which keeps the suite within its budget (8 min 49 s of
 * 10 min estimated when they were added), so quick mode measures the JDK's TLS as well as the
 * default implementation instead of dropping it. {@code call-tls} leaves the choice to
 * Netty: netty-tcnative's BoringSSL, which is on the jmh runtime class path, if it loads on the
 * platform (otherwise Netty falls back to the JDK's, and the report says so);
 * {@code call-tls-jdk} passes {@code -Dio.netty.handler.ssl.noOpenSsl=true} to the forked JVMs.
 * Both copy their standard output next to their results, because only the benchmark's own
 * output says which implementation ran.
 *
 * <p>The telemetry step, {@code call-telemetry}, runs {@code TelemetryCallBenchmark} (the full
 * stack with telemetry {@code off}, {@code metrics} and {@code metrics-tracing}, on both
 * transports) after the TLS steps, with {@code -prof gc} for the allocation per call, in both
 * modes with the call steps' settings. In quick mode it adds 2 transports × 3 telemetry values ×
 * 1 fork × (5 s iterating + 2.5 s start-up) + 1 s = 46 s, which keeps the suite within its
 * budget (9 min 35 s of 10 min estimated when it was added, 25 s to spare), so quick mode runs it
 * with the call settings instead of shorter ones.
 *
 * <p>The Dubbo step, {@code dubbo-triple}, runs {@code DubboTripleBenchmark} with the call
 * steps' settings and each method's own mode and {@code @Threads} (so no {@code -t}): 4 methods ×
 * 5 stacks. It does not fit the quick budget: with only the stacks its targets and closest rows
 * need ({@code dubbo-triple}, {@code raw-deadline}, {@code switchboard}) it would add 12
 * combinations × 1 fork × (5 s iterating + 2.5 s start-up) + 1 s = 91 s to a suite estimated at
 * 9 min 40 s (20 s to spare) when it was added. So in quick mode it is a step on request only,
 * with those 3 stacks: not in the run or its estimate, run by {@code --only dubbo-triple}; in
 * full mode it runs with the others, every stack.
 *
 * <p>The per-fork start-up figures and the non-JMH steps' times were measured on the project's
 * 2-vCPU VM while another build ran: a pick fork starts and sets up in about 1.3-2 s, a call fork
 * (server, channel, 1,000 warm-up calls) in about 2 s; a TLS call fork, which also makes the demo
 * certificates and does the handshakes, and a telemetry call fork, which also builds an
 * OpenTelemetry SDK, are estimated like a call fork (not measured separately);
 * {@code HashQuality} took 64 s, the tail simulator 8 s for 1,000,000 requests per run, the zone
 * simulation 0.8 s and the subsetting computation (C = N = 1,000) 7.4 s; the discovery timings,
 * whose scale part starts a 3-node ensemble, registers through 100 sessions twice (a warm-up
 * round, then the timed one) and restarts the ensemble, take about 75 s with 1 round at 1,000
 * services of 10 instances (the warm-up round adding 25 s), and 1 s per round: 4 s + 1 s per
 * round + 75 ms per service.
 *
 * <p>Immutable.
 *
 * @param mode quick or full
 * @param docs the docs folder; results go to its {@code bench/} folder
 * @param steps the steps, in order
 * @param onRequest the steps this mode runs only when {@link #only} names them
 */
public record SuitePlan(SuiteMode mode, Path docs, List<Step> steps, List<Step> onRequest) {
  /** The quick suite's time budget: 10 minutes on 2 cores. */
  public static final double QUICK_BUDGET_SECONDS = 600;

  private static final double PICK_FORK_START = 1.5;
  private static final double CALL_FORK_START = 2.5;

  public SuitePlan {
    steps = List.copyOf(steps);
    onRequest = List.copyOf(onRequest);
  }

  /** Returns a plan of {@code steps}, none on request. */
  public SuitePlan(SuiteMode mode, Path docs, List<Step> steps) {
    this(mode, docs, steps, List.of());
  }

  /** Returns the plan for {@code mode}, writing under {@code docs}. */
  public static SuitePlan of(SuiteMode mode, Path docs) {
    boolean quick = mode == SuiteMode.QUICK;
    Path bench = docs.resolve(ResultFiles.BENCH_DIR);
    JmhSettings pick = quick
        ? new JmhSettings(1, 2, Duration.ofMillis(500), 3, Duration.ofMillis(500))
        : new JmhSettings(3, 3, Duration.ofSeconds(1), 5, Duration.ofSeconds(1));
    JmhSettings call = quick
        ? new JmhSettings(1, 2, Duration.ofSeconds(1), 3, Duration.ofSeconds(1))
        : new JmhSettings(3, 3, Duration.ofSeconds(2), 5, Duration.ofSeconds(2));
    List<Step> steps = new ArrayList<>();
    List<Step> onRequest = new ArrayList<>();

    JmhRun pick1 = JmhRun.of("pick-1t", "pick cost, 1 thread, with allocation (-prof gc)",
        bench.resolve(ResultFiles.PICK_1T), pick, PICK_FORK_START, PickBenchmark.class,
        DubboPickBenchmark.class).threads(1).gc();
    JmhRun pick2 = JmhRun.of("pick-2t", "pick cost, 2 threads",
        bench.resolve(ResultFiles.PICK_2T), pick, PICK_FORK_START, PickBenchmark.class,
        DubboPickBenchmark.class).threads(2);
    JmhRun keyHash = JmhRun.of("keyhash", "key hashing", bench.resolve(ResultFiles.KEY_HASH),
        pick, PICK_FORK_START, KeyHashBenchmark.class);
    if (quick) {
      pick1 = pick1.param("endpoints", "1000");
      pick2 = pick2.param("endpoints", "1000");
      keyHash = keyHash.methods("keyHash");
    }
    steps.add(pick1);
    steps.add(pick2);
    steps.add(keyHash);

    steps.add(JmhRun.of("call-latency", "blocking unary call latency, with allocation"
            + " (-prof gc)", bench.resolve(ResultFiles.CALL_LATENCY), call, CALL_FORK_START,
        CallOverheadBenchmark.class).gc());
    steps.add(JmhRun.of("call-throughput-1t", "blocking unary call throughput, 1 thread",
        bench.resolve(ResultFiles.CALL_THROUGHPUT_1T), call, CALL_FORK_START,
        CallOverheadBenchmark.class).mode("thrpt").threads(1));
    steps.add(JmhRun.of("call-throughput-8t", "blocking unary call throughput, 8 threads",
        bench.resolve(ResultFiles.CALL_THROUGHPUT_8T), call, CALL_FORK_START,
        CallOverheadBenchmark.class).mode("thrpt").threads(8));
    steps.add(JmhRun.of("call-async", "async unary call throughput, "
            + CallThroughputBenchmark.IN_FLIGHT + " in flight, with allocation (-prof gc)",
        bench.resolve(ResultFiles.CALL_ASYNC), call, CALL_FORK_START,
        CallThroughputBenchmark.class).gc());
    for (TlsProvider provider : TlsProvider.values()) {
      steps.add(JmhRun.of(provider.step(), "blocking unary call latency over mutual TLS, "
              + provider.expected() + " (" + provider.how("") + ")",
          bench.resolve(provider.resultFile()), call, CALL_FORK_START, TlsCallBenchmark.class)
          .jvmArgsAppend(provider.jvmArgs().toArray(String[]::new))
          .captureStdout(bench.resolve(provider.logFile())));
    }
    steps.add(JmhRun.of("call-telemetry", "blocking unary call latency, telemetry off, metrics,"
            + " metrics and tracing, with allocation (-prof gc)",
        bench.resolve(ResultFiles.CALL_TELEMETRY), call, CALL_FORK_START,
        TelemetryCallBenchmark.class).gc());
    JmhRun dubbo = JmhRun.of("dubbo-triple", "Dubbo 3 over Triple beside raw grpc-java and"
            + " Switchboard: latency, throughput on 1 and 8 threads, async 64 in flight",
        bench.resolve(ResultFiles.CALL_DUBBO_TRIPLE), call, CALL_FORK_START,
        DubboTripleBenchmark.class).threads(0);
    JmhRun headToHead = JmhRun.of("call-head-to-head", "raw grpc-java and Switchboard over"
            + " Netty calling at once in one fork: blocking throughput, 1 + 1 and 4 + 4 threads",
        bench.resolve(ResultFiles.CALL_HEAD_TO_HEAD), call, CALL_FORK_START,
        HeadToHeadBenchmark.class).threads(0);
    if (quick) {
      onRequest.add(dubbo.param("stack", "dubbo-triple", "raw-deadline", "switchboard"));
      onRequest.add(headToHead);
    } else {
      steps.add(dubbo);
      steps.add(headToHead);
    }

    Path hashQuality = bench.resolve(ResultFiles.HASH_QUALITY);
    steps.add(new MainRun("hash-quality", "hash quality (deterministic, 1,000,000 keys)",
        hashQuality, HashQuality.class, List.of(), hashQuality, 75,
        "measured 64 s + margin"));
    steps.add(new MainRun("tail-sim", "tail latency with one slow backend (deterministic"
            + " simulation)", bench.resolve(ResultFiles.TAIL_SIM_JSON), TailSimulator.class,
        List.of("--requests", "1000000", "--seed", "42",
            "--json", bench.resolve(ResultFiles.TAIL_SIM_JSON).toString(),
            "--markdown", bench.resolve(ResultFiles.TAIL_SIM_MARKDOWN).toString()),
        null, 15, "measured 8 s + margin"));
    Path zones = bench.resolve(ResultFiles.ZONE_SIM);
    steps.add(new MainRun("zone-sim", "zone-aware routing with zone A degraded (deterministic"
            + " simulation)", zones, ZoneSimulation.class,
        List.of("--seed", "42", "--markdown", zones.toString()), null, 2,
        "measured 0.8 s + margin"));
    Path subsets = bench.resolve(ResultFiles.SUBSET_SIM);
    steps.add(new MainRun("subset-sim", "subsetting, 1,000 clients and 1,000 providers"
            + " (deterministic computation)", subsets, SubsetSimulation.class,
        List.of("--clients", "1000", "--providers", "1000", "--seed", "42", "--markdown",
            subsets.toString()), null, 10, "measured 7.4 s + margin"));
    int rounds = quick ? 10 : 30;
    int services = quick ? 200 : 1000;
    double discovery = 4 + rounds * 1.0 + services * 0.075;
    steps.add(new MainRun("discovery", "discovery timings against an embedded ZooKeeper",
        bench.resolve(ResultFiles.DISCOVERY), DiscoveryTimings.class,
        List.of("--rounds", String.valueOf(rounds), "--services", String.valueOf(services),
            "--markdown", bench.resolve(ResultFiles.DISCOVERY).toString()),
        null, discovery, String.format(Locale.ROOT, "4 s start-up + %d rounds × 1 s + %d"
            + " services × 0.075 s (registering twice, converging, restarting a 3-node"
            + " ensemble)",
        rounds, services)));
    return new SuitePlan(mode, docs, steps, onRequest);
  }

  /** Returns every step: those of the run, then those on request. */
  public List<Step> allSteps() {
    List<Step> all = new ArrayList<>(steps);
    all.addAll(onRequest);
    return all;
  }

  /**
   * Returns the plan of only the steps {@code names} names, in plan order, on-request steps
   * included.
   *
   * @throws IllegalArgumentException naming every step of the plan if a name is none of them
   */
  public SuitePlan only(Collection<String> names) {
    List<String> known = allSteps().stream().map(Step::name).toList();
    List<String> unknown = names.stream().filter(name -> !known.contains(name)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("no step " + String.join(", ", unknown) + " in the "
          + mode.label() + " plan; its steps: " + String.join(", ", known));
    }
    return new SuitePlan(mode, docs, allSteps().stream()
        .filter(step -> names.contains(step.name())).toList());
  }

  /** Returns the estimated wall-clock seconds of every step, the report included (2 s). */
  public double estimatedSeconds() {
    return steps.stream().mapToDouble(Step::estimatedSeconds).sum() + 2;
  }

  /** Returns the plan as lines for the console: each step with its estimate, then the total. */
  public String describe() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "Benchmark suite, %s mode: %d steps, estimated %s%s%n", mode.label(), steps.size(),
        Fmt.seconds(estimatedSeconds()), mode == SuiteMode.QUICK
            ? " (budget " + Fmt.seconds(QUICK_BUDGET_SECONDS) + ")" : ""));
    steps.forEach(step -> line(out, step));
    out.append(String.format(Locale.ROOT, "  %-19s %11s%n", "report", "2 s"));
    if (!onRequest.isEmpty()) {
      out.append("On request only (--only NAME), not in the run or its estimate:\n");
      onRequest.forEach(step -> line(out, step));
    }
    return out.toString();
  }

  private static void line(StringBuilder out, Step step) {
    out.append(String.format(Locale.ROOT, "  %-19s %11s  %s: %s%n", step.name(),
        Fmt.seconds(step.estimatedSeconds()), step.description(), step.estimateFormula()));
  }
}
