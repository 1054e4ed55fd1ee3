package dev.switchboard.jmh.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every input of the report, read from {@code DIR/bench/}; each may be missing or unreadable
 * (see {@link Loaded}), never fatal.
 *
 * <p>Immutable.
 *
 * @param pick1 pick cost, 1 thread, with allocation
 * @param pick2 pick cost, 2 threads
 * @param keyHash key hashing
 * @param latency blocking call latency
 * @param throughput1 blocking call throughput, 1 thread
 * @param throughput8 blocking call throughput, 8 threads
 * @param async async call throughput, 64 in flight
 * @param tls blocking call latency over mutual TLS, Netty's default TLS implementation
 * @param tlsJdk the same on the JDK's TLS
 * @param telemetry blocking call latency of the full stack with telemetry off, metrics on, and
 *     metrics and tracing on, with allocation
 * @param dubbo Dubbo 3 over Triple beside raw grpc-java and Switchboard: latency and throughput
 * @param headToHead raw grpc-java and Switchboard over Netty calling at once in one fork
 * @param hashQuality hash quality
 * @param tailSim the tail simulator's JSON
 * @param tailSimMarkdown the tail simulator's markdown
 * @param zoneSim the zone-aware routing simulation
 * @param subsetSim the subsetting computation
 * @param discovery the discovery timings
 * @param suite what the suite run did
 */
record ReportData(Loaded<JmhResults> pick1, Loaded<JmhResults> pick2,
    Loaded<JmhResults> keyHash, Loaded<JmhResults> latency, Loaded<JmhResults> throughput1,
    Loaded<JmhResults> throughput8, Loaded<JmhResults> async, TlsRun tls, TlsRun tlsJdk,
    Loaded<JmhResults> telemetry, Loaded<JmhResults> dubbo, Loaded<JmhResults> headToHead,
    Loaded<HashQualityTable> hashQuality,
    Loaded<TailSimResults> tailSim, Loaded<String> tailSimMarkdown, Loaded<ZoneSimTable> zoneSim,
    Loaded<SubsetSimTable> subsetSim, Loaded<DiscoveryTable> discovery,
    Loaded<SuiteRecord> suite) {

  /** Reads everything under {@code docs/bench/}. */
  static ReportData load(Path docs) {
    Path bench = docs.resolve(ResultFiles.BENCH_DIR);
    return new ReportData(jmh(bench, ResultFiles.PICK_1T), jmh(bench, ResultFiles.PICK_2T),
        jmh(bench, ResultFiles.KEY_HASH), jmh(bench, ResultFiles.CALL_LATENCY),
        jmh(bench, ResultFiles.CALL_THROUGHPUT_1T), jmh(bench, ResultFiles.CALL_THROUGHPUT_8T),
        jmh(bench, ResultFiles.CALL_ASYNC), TlsRun.load(bench, TlsProvider.BORINGSSL),
        TlsRun.load(bench, TlsProvider.JDK), jmh(bench, ResultFiles.CALL_TELEMETRY),
        jmh(bench, ResultFiles.CALL_DUBBO_TRIPLE), jmh(bench, ResultFiles.CALL_HEAD_TO_HEAD),
        markdown(bench, ResultFiles.HASH_QUALITY, HashQualityTable::parse),
        Loaded.from(bench.resolve(ResultFiles.TAIL_SIM_JSON), TailSimResults::read),
        markdown(bench, ResultFiles.TAIL_SIM_MARKDOWN, text -> text),
        markdown(bench, ResultFiles.ZONE_SIM, ZoneSimTable::parse),
        markdown(bench, ResultFiles.SUBSET_SIM, SubsetSimTable::parse),
        markdown(bench, ResultFiles.DISCOVERY, DiscoveryTable::parse),
        Loaded.from(bench.resolve(ResultFiles.SUITE_RUN), SuiteRecord::read));
  }

  private static Loaded<JmhResults> jmh(Path bench, String name) {
    return Loaded.from(bench.resolve(name), JmhResults::read);
  }

  private static <T> Loaded<T> markdown(Path bench, String name, Function<String, T> parser) {
    return Loaded.from(bench.resolve(name), file -> parser.apply(Files.readString(file)));
  }

  /** Returns the JMH version of the first result that names one. */
  Optional<String> jmhVersion() {
    return List.of(pick1, pick2, keyHash, latency, throughput1, throughput8, async,
            tls.results(), tlsJdk.results(), telemetry, dubbo, headToHead).stream()
        .filter(Loaded::present).map(loaded -> loaded.value().jmhVersion())
        .flatMap(Optional::stream).findFirst();
  }
}
