package dev.switchboard.jmh.report;

import java.util.List;

/**
 * The suite's two runs of {@code TlsCallBenchmark}, one per TLS implementation Netty can use:
 * the step's name, its files, the forked-JVM options that choose the implementation, what it is
 * meant to measure and how the benchmark names that implementation when it prints it
 * ({@code TLS implementation: OpenSSL (netty-tcnative …)} or
 * {@code TLS implementation: the JDK's (…)}). The one place the plan and the report take them
 * from. Immutable.
 */
enum TlsProvider {
  /** Netty's default: netty-tcnative's BoringSSL, which is on the jmh runtime class path. */
  BORINGSSL("call-tls", "BoringSSL via netty-tcnative", "OpenSSL", List.of(),
      ResultFiles.CALL_TLS, ResultFiles.CALL_TLS_LOG),
  /** The JDK's TLS, with netty-tcnative switched off in the forked JVMs. */
  JDK("call-tls-jdk", "the JDK's TLS", "the JDK's",
      List.of("-Dio.netty.handler.ssl.noOpenSsl=true"), ResultFiles.CALL_TLS_JDK,
      ResultFiles.CALL_TLS_JDK_LOG);

  private final String step;
  private final String expected;
  private final String printedPrefix;
  private final List<String> jvmArgs;
  private final String resultFile;
  private final String logFile;

  TlsProvider(String step, String expected, String printedPrefix, List<String> jvmArgs,
      String resultFile, String logFile) {
    this.step = step;
    this.expected = expected;
    this.printedPrefix = printedPrefix;
    this.jvmArgs = jvmArgs;
    this.resultFile = resultFile;
    this.logFile = logFile;
  }

  /** Returns the suite step's name, e.g. {@code call-tls}. */
  String step() {
    return step;
  }

  /** Returns the implementation the step is meant to run, e.g. {@code the JDK's}. */
  String expected() {
    return expected;
  }

  /**
   * Returns how the step chooses it, {@code Netty's default} or e.g.
   * {@code forced with -Dio.netty.handler.ssl.noOpenSsl=true}; {@code code} wraps the options
   * (in backticks for markdown, say).
   */
  String how(String code) {
    return jvmArgs.isEmpty() ? "Netty's default"
        : "forced with " + code + String.join(" ", jvmArgs) + code;
  }

  /** Returns whether {@code printed}, as the benchmark names an implementation, is this one. */
  boolean isPrinted(String printed) {
    return printed.startsWith(printedPrefix);
  }

  /** Returns the options the step appends to the forked JVMs' ({@code -jvmArgsAppend}). */
  List<String> jvmArgs() {
    return jvmArgs;
  }

  /** Returns the name of the JMH JSON result file under {@code bench/}. */
  String resultFile() {
    return resultFile;
  }

  /** Returns the name of the captured standard output under {@code bench/}. */
  String logFile() {
    return logFile;
  }
}
