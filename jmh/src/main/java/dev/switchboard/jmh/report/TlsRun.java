package dev.switchboard.jmh.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One TLS step's inputs for the report: its JMH results, and the TLS implementations the
 * benchmark printed in the step's captured output. The JSON results do not say which
 * implementation ran; only that output does, so without it the run is labelled by what its step
 * is meant to run, and says so.
 *
 * <p>Immutable.
 *
 * @param provider the step
 * @param results its JMH results
 * @param printed the distinct implementations its output names, in order of appearance (empty
 *     if it names none)
 */
record TlsRun(TlsProvider provider, Loaded<JmhResults> results, Loaded<List<String>> printed) {
  /**
   * The line {@code TlsCallBenchmark} prints at each trial's set-up. JMH relays a fork's output
   * into its own log, possibly after an iteration header on the same line, so it is matched
   * anywhere in a line.
   */
  private static final Pattern PRINTED = Pattern.compile("TLS implementation: (\\S.*)");

  /** Reads {@code provider}'s result file and captured output under {@code bench}. */
  static TlsRun load(Path bench, TlsProvider provider) {
    return new TlsRun(provider,
        Loaded.from(bench.resolve(provider.resultFile()), JmhResults::read),
        Loaded.from(bench.resolve(provider.logFile()),
            file -> implementations(Files.readString(file))));
  }

  /** Returns the distinct implementations {@code log} names, in order of appearance. */
  static List<String> implementations(String log) {
    Set<String> found = new LinkedHashSet<>();
    for (String line : log.split("\\R")) {
      Matcher matcher = PRINTED.matcher(line);
      if (matcher.find()) {
        found.add(matcher.group(1).strip());
      }
    }
    return List.copyOf(found);
  }

  /**
   * Returns the implementation as the benchmark printed it (several joined with {@code " and "}
   * if the forks disagree), or empty if the output is missing or names none.
   */
  Optional<String> implementation() {
    return printed.present() && !printed.value().isEmpty()
        ? Optional.of(String.join(" and ", printed.value())) : Optional.empty();
  }

  /**
   * Returns whether the output confirms the implementation the step is meant to run: it names
   * that one, and only that one.
   */
  boolean confirmed() {
    return implementation().isPresent()
        && printed.value().stream().allMatch(provider::isPrinted);
  }

  /**
   * Returns a short label: the printed implementation, or what the step is meant to run marked
   * unconfirmed, e.g. {@code BoringSSL via netty-tcnative (not confirmed: no call-tls.log)}.
   */
  String label() {
    return implementation().orElseGet(() -> provider.expected() + " (not confirmed: "
        + whyUnknown() + ")");
  }

  /**
   * Returns the sentence naming the implementation and where that comes from, warning if it is
   * not the one the step is meant to run.
   */
  String sentence() {
    Optional<String> implementation = implementation();
    if (implementation.isEmpty()) {
      return "TLS implementation: not confirmed (" + whyUnknown() + "); the step is meant to run "
          + provider.expected() + ".";
    }
    String source = "TLS implementation: " + implementation.get() + ", as the benchmark printed"
        + " it (" + provider.logFile() + ")";
    if (confirmed()) {
      return source + ".";
    }
    boolean some = printed.value().stream().anyMatch(provider::isPrinted);
    return source + (some ? ": not only " : ": not ") + provider.expected()
        + ", which this step is meant to measure.";
  }

  private String whyUnknown() {
    return printed.present() ? provider.logFile() + " names none" : printed.reason();
  }
}
