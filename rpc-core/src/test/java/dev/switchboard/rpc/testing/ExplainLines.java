package dev.switchboard.rpc.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures the {@code EXPLAIN} lines that SLF4J's simple logger prints on standard error (the
 * test resources set the {@code dev.switchboard.explain} logger to INFO) while it is open, and
 * splits them into fields. Tests run one at a time, so one capture at a time. Thread-safe.
 */
public final class ExplainLines implements AutoCloseable {
  private final PrintStream original;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private ExplainLines() {
    original = System.err;
    System.setErr(new PrintStream(new Tee(original, printed), true, StandardCharsets.UTF_8));
  }

  /** Starts capturing. */
  public static ExplainLines capture() {
    return new ExplainLines();
  }

  /** Returns the lines printed so far, each from {@code EXPLAIN} on. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (String line : printed.toString(StandardCharsets.UTF_8).split("\n")) {
      int at = line.indexOf(" - EXPLAIN ");
      if (at >= 0) {
        lines.add(line.substring(at + 3).strip());
      }
    }
    return lines;
  }

  /** Waits (10 s at most) until at least {@code count} lines were printed; returns them all. */
  public List<String> await(int count) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lines().size() >= count);
    return lines();
  }

  /**
   * Returns the {@code name=value} fields of {@code line} in order; a value may be a bracketed
   * list with spaces inside. The leading {@code EXPLAIN <method>} is under the names
   * {@code EXPLAIN} and {@code method}.
   */
  public static Map<String, String> fields(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    int depth = 0;
    for (char c : line.toCharArray()) {
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      }
      if (c == ' ' && depth == 0) {
        tokens.add(token.toString());
        token.setLength(0);
      } else {
        token.append(c);
      }
    }
    tokens.add(token.toString());
    fields.put("EXPLAIN", tokens.get(0));
    fields.put("method", tokens.get(1));
    for (String each : tokens.subList(2, tokens.size())) {
      int eq = each.indexOf('=');
      fields.put(each.substring(0, eq), each.substring(eq + 1));
    }
    return fields;
  }

  /** Stops capturing: standard error is what it was. */
  @Override
  public void close() {
    System.setErr(original);
  }

  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
      first.write(bytes, offset, length);
      second.write(bytes, offset, length);
    }

    @Override
    public synchronized void flush() throws IOException {
      first.flush();
      second.flush();
    }
  }
}
