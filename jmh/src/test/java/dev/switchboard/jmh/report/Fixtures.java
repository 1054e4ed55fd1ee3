package dev.switchboard.jmh.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The report fixtures in {@code src/test/resources/report/bench/}: JMH 1.37 JSON from tiny runs
 * ({@code -f 1 -wi 1 -i 1 -w 300ms -r 300ms}, so the errors are NaN; sample-mode
 * {@code rawDataHistogram} arrays emptied to keep them small), the hash-quality and tail-simulator
 * output (20,000 requests, seed 7), and the zone and subsetting simulations' output (seed 42,
 * C = N = 1,000). The discovery table is in {@code DiscoveryTimings}' format, a quick run's
 * (200 services), with made-up figures. The TLS fixtures are hand-written, not measured:
 * {@code call-tls.json} and {@code call-tls-jdk.json} in JMH 1.37's sample-mode format with
 * made-up figures (on the default provider {@code switchboard-tls} p50 114.432 µs over
 * {@code raw-tls} 110.080, +3.95 %; on the JDK's 123.392 over 116.224, +6.17 %), and
 * {@code call-tls.log} and {@code call-tls-jdk.log} shortened JMH logs with the benchmark's
 * {@code TLS implementation: } line, after an iteration header and on a line of its own. The
 * telemetry fixture is hand-written too, not measured:
 * {@code call-telemetry.json}, {@code TelemetryCallBenchmark} in JMH 1.37's sample-mode format
 * with {@code -prof gc}'s metrics ({@code gc.alloc.rate}, {@code gc.alloc.rate.norm},
 * {@code gc.count}, {@code gc.time}; the sample-mode percentile metrics {@code p0.00} … left out)
 * and made-up figures: in-process {@code metrics} p50 22.784 µs over {@code off} 22.016,
 * +0.768 µs (within 1 µs), {@code metrics-tracing} 25.600; over Netty {@code metrics} 107.008
 * over {@code off} 104.448, +2.45 % (over 2 %), {@code metrics-tracing} 110.592. So is the
 * Dubbo fixture, {@code call-dubbo-triple.json}: {@code DubboTripleBenchmark}'s four methods ×
 * five stacks in JMH 1.37's format, made up: p50 {@code switchboard} 167.424 µs over
 * {@code dubbo-triple} 250.880 (0.67×, within 0.7×); throughput {@code switchboard} over
 * {@code dubbo-triple} 5,987.2 / 3,512.4 calls/s on 1 thread (1.70×), 13,220.9 / 9,804.6 on 8
 * (1.35×, under 1.5×), 11,204.8 / 7,101.3 async (1.58×).
 */
final class Fixtures {
  /** A scale table as DiscoveryTimings wrote it before the 3-node ensemble and restart rows. */
  static final String OLDER_SCALE_TABLE = """
      ### 1000 services × 10 instances

      | measure | value |
      | --- | --- |
      | register 10,000 instance nodes (10 sessions) | 23.1 s |
      | consumer: 1000 watches converge | 6.94 s |
      | consumer heap for them | 16.3 MB |
      """;

  static final List<String> FILES = List.of(ResultFiles.PICK_1T, ResultFiles.CALL_LATENCY,
      ResultFiles.CALL_ASYNC, ResultFiles.CALL_TLS, ResultFiles.CALL_TLS_LOG,
      ResultFiles.CALL_TLS_JDK, ResultFiles.CALL_TLS_JDK_LOG, ResultFiles.CALL_TELEMETRY,
      ResultFiles.CALL_DUBBO_TRIPLE, ResultFiles.CALL_HEAD_TO_HEAD, ResultFiles.HASH_QUALITY,
      ResultFiles.TAIL_SIM_JSON,
      ResultFiles.TAIL_SIM_MARKDOWN, ResultFiles.ZONE_SIM, ResultFiles.SUBSET_SIM,
      ResultFiles.DISCOVERY);

  private Fixtures() {}

  /** Copies every fixture into {@code docs/bench/} and returns {@code docs}. */
  static Path docs(Path docs) {
    for (String name : FILES) {
      copy(name, docs);
    }
    return docs;
  }

  /** Copies fixture {@code name} into {@code docs/bench/}. */
  static void copy(String name, Path docs) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/report/bench/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture /report/bench/" + name + " on the class path");
      }
      Path bench = Files.createDirectories(docs.resolve(ResultFiles.BENCH_DIR));
      Files.write(bench.resolve(name), in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the text of fixture {@code name}. */
  static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/report/bench/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
