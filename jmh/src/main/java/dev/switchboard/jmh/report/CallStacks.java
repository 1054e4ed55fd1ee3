package dev.switchboard.jmh.report;

import dev.switchboard.jmh.call.HeadToHeadBenchmark;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stacks and transports of the call benchmarks as the report names and pairs them. Each
 * Switchboard stack is compared like for like: the full stack (which sets a 5 s deadline) with
 * raw grpc-java setting the same deadline per call, the lean stack (no deadline) with bare raw
 * grpc-java; {@code raw-deadline} with {@code raw} shows what the deadline alone costs. The TLS
 * benchmark's stacks all run over Netty: plaintext and Switchboard's mutual TLS are compared with
 * raw grpc-java's mutual TLS. The telemetry benchmark runs the full stack on both transports with
 * telemetry off (the baseline), metrics on, and metrics and tracing on. The Dubbo benchmark runs
 * Dubbo 3 over Triple (the baseline) and the Netty stacks, each method a measure of its own.
 * Constants and look-ups only.
 */
final class CallStacks {
  static final String OVERHEAD = "CallOverheadBenchmark";
  static final String THROUGHPUT = "CallThroughputBenchmark";

  static final String IN_PROCESS = "inprocess";
  static final String NETTY = "netty";
  static final List<String> TRANSPORTS = List.of(IN_PROCESS, NETTY);

  static final String RAW = "raw";
  static final String RAW_DEADLINE = "raw-deadline";
  static final String FULL = "switchboard";
  static final String LEAN = "switchboard-lean";
  static final List<String> STACKS = List.of(RAW, RAW_DEADLINE, FULL, LEAN);

  static final String TLS = "TlsCallBenchmark";
  static final String TLS_PLAINTEXT = "raw-plaintext";
  static final String TLS_RAW = "raw-tls";
  static final String TLS_SWITCHBOARD = "switchboard-tls";
  /** The TLS benchmark's stacks in report order; {@link #TLS_RAW} is the baseline. */
  static final List<String> TLS_STACKS = List.of(TLS_PLAINTEXT, TLS_RAW, TLS_SWITCHBOARD);

  static final String TELEMETRY = "TelemetryCallBenchmark";
  static final String TELEMETRY_OFF = "off";
  static final String TELEMETRY_METRICS = "metrics";
  static final String TELEMETRY_TRACING = "metrics-tracing";
  /** The telemetry benchmark's settings in report order; {@link #TELEMETRY_OFF} is the baseline. */
  static final List<String> TELEMETRY_SETTINGS = List.of(TELEMETRY_OFF, TELEMETRY_METRICS,
      TELEMETRY_TRACING);

  static final String DUBBO = "DubboTripleBenchmark";
  static final String DUBBO_TRIPLE = "dubbo-triple";
  /** The Dubbo benchmark's stacks in report order; {@link #DUBBO_TRIPLE} is the baseline. */
  static final List<String> DUBBO_STACKS = List.of(DUBBO_TRIPLE, RAW, RAW_DEADLINE, FULL, LEAN);
  static final String DUBBO_LATENCY = "unaryLatency";

  /**
   * A throughput method of the Dubbo benchmark and how the report names it. Immutable.
   *
   * @param method the benchmark method
   * @param label e.g. {@code 8 threads}
   */
  record Rate(String method, String label) {}

  /** The Dubbo benchmark's throughput methods, in report order. */
  static final List<Rate> DUBBO_RATES = List.of(new Rate("unaryThroughput1Thread", "1 thread"),
      new Rate("unaryThroughput8Threads", "8 threads"),
      new Rate("asyncThroughput64InFlight", "async 64 in flight"));

  private static final Map<String, String> BASELINES = Map.of(RAW_DEADLINE, RAW,
      FULL, RAW_DEADLINE, LEAN, RAW);

  private CallStacks() {}

  /** Returns the stack {@code stack} is compared with, or empty for {@code raw}. */
  static Optional<String> baseline(String stack) {
    return Optional.ofNullable(BASELINES.get(stack));
  }

  /** Returns the transport as the report names it. */
  static String label(String transport) {
    return transport.equals(IN_PROCESS) ? "in-process" : transport.equals(NETTY)
        ? "Netty loopback" : transport;
  }

  /** Returns the entry of {@code benchmark} for {@code transport} and {@code stack}. */
  static Optional<JmhResult> find(Loaded<JmhResults> results, String benchmark,
      String transport, String stack) {
    if (!results.present()) {
      return Optional.empty();
    }
    return results.value().find(benchmark, Map.of("transport", transport, "stack", stack));
  }

  /** Returns the entry of the TLS benchmark for {@code stack}. */
  static Optional<JmhResult> findTls(Loaded<JmhResults> results, String stack) {
    if (!results.present()) {
      return Optional.empty();
    }
    return results.value().find(TLS, Map.of("stack", stack));
  }

  /** Returns the entry of the telemetry benchmark for {@code transport} and {@code telemetry}. */
  static Optional<JmhResult> findTelemetry(Loaded<JmhResults> results, String transport,
      String telemetry) {
    if (!results.present()) {
      return Optional.empty();
    }
    return results.value().find(TELEMETRY, Map.of("transport", transport,
        "telemetry", telemetry));
  }

  /** Returns the entry of the Dubbo benchmark's {@code method} for {@code stack}. */
  static Optional<JmhResult> findDubbo(Loaded<JmhResults> results, String method,
      String stack) {
    if (!results.present()) {
      return Optional.empty();
    }
    return results.value().all().stream().filter(r -> r.simpleClassName().equals(DUBBO)
        && r.method().equals(method) && stack.equals(r.param("stack"))).findFirst();
  }

  /** Returns the median of a sample-mode entry, NaN if it has none. */
  static double p50(JmhResult result) {
    return result.percentile(50.0).orElse(Double.NaN);
  }

  /**
   * The two sides of a head-to-head group, as measured at once. Immutable.
   *
   * @param stack the Switchboard stack's calls per second
   * @param baseline the raw stack's beside it
   */
  record HeadToHead(JmhResult.Metric stack, JmhResult.Metric baseline) {
    /** Returns the Switchboard stack's score over the baseline's. */
    double ratio() {
      return stack.score() / baseline.score();
    }
  }

  /** Returns both sides of {@code pairing}'s group in {@code results}, if it ran. */
  static Optional<HeadToHead> headToHead(JmhResults results,
      HeadToHeadBenchmark.Pairing pairing) {
    return results.all().stream()
        .filter(r -> r.simpleClassName().equals(HeadToHeadBenchmark.class.getSimpleName())
            && r.method().equals(pairing.group()))
        .findFirst()
        .filter(r -> r.secondary().containsKey(pairing.stackMethod())
            && r.secondary().containsKey(pairing.baselineMethod()))
        .map(r -> new HeadToHead(r.secondary().get(pairing.stackMethod()),
            r.secondary().get(pairing.baselineMethod())));
  }
}
