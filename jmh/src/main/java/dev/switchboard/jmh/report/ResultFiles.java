package dev.switchboard.jmh.report;

/**
 * The names of the files the suite writes under {@code DIR/bench/} and the report reads, and of
 * the report itself: the one place both sides take them from. Constants only.
 */
final class ResultFiles {
  /** The folder under the docs folder that holds the results. */
  static final String BENCH_DIR = "bench";
  /** The report, in the docs folder. */
  static final String REPORT = "benchmarks.md";
  /** What the suite ran, on which machine, how long each step took. */
  static final String SUITE_RUN = "suite-run.json";

  static final String PICK_1T = "pick-1t.json";
  static final String PICK_2T = "pick-2t.json";
  static final String KEY_HASH = "keyhash.json";
  static final String CALL_LATENCY = "call-latency.json";
  static final String CALL_THROUGHPUT_1T = "call-throughput-1t.json";
  static final String CALL_THROUGHPUT_8T = "call-throughput-8t.json";
  static final String CALL_ASYNC = "call-async.json";
  static final String CALL_TLS = "call-tls.json";
  /** The {@code call-tls} step's standard output: JMH's log, with the TLS implementation line. */
  static final String CALL_TLS_LOG = "call-tls.log";
  static final String CALL_TLS_JDK = "call-tls-jdk.json";
  /** The {@code call-tls-jdk} step's standard output. */
  static final String CALL_TLS_JDK_LOG = "call-tls-jdk.log";
  static final String CALL_TELEMETRY = "call-telemetry.json";
  static final String CALL_DUBBO_TRIPLE = "call-dubbo-triple.json";
  static final String CALL_HEAD_TO_HEAD = "call-head-to-head.json";
  static final String HASH_QUALITY = "hash-quality.md";
  static final String TAIL_SIM_JSON = "tail-sim.json";
  static final String TAIL_SIM_MARKDOWN = "tail-sim.md";
  static final String DISCOVERY = "discovery.md";
  static final String ZONE_SIM = "zone-sim.md";
  static final String SUBSET_SIM = "subset-sim.md";

  private ResultFiles() {}
}
