package dev.switchboard.jmh.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An input of the report read from a result file: its value, or why there is none (the file is
 * missing, or it could not be read). The report writer turns a missing value into a "not run"
 * row instead of failing.
 *
 * <p>Immutable if the value is.
 *
 * @param value the value read, or null
 * @param problem null if the value was read; otherwise why not, e.g.
 *     {@code not run (no pick-1t.json)}
 * @param reason null if the value was read; otherwise why not in short, e.g.
 *     {@code no pick-1t.json}
 * @param <T> the value's type
 */
record Loaded<T>(T value, String problem, String reason) {

  /** Reads a result file. */
  @FunctionalInterface
  interface Reader<T> {
    T read(Path file) throws IOException;
  }

  /** Reads {@code file} with {@code reader}; never throws. */
  static <T> Loaded<T> from(Path file, Reader<T> reader) {
    if (!Files.isRegularFile(file)) {
      return new Loaded<>(null, "not run (no " + file.getFileName() + ")",
          "no " + file.getFileName());
    }
    try {
      return new Loaded<>(reader.read(file), null, null);
    } catch (IOException | RuntimeException e) {
      return new Loaded<>(null, "unreadable " + file.getFileName() + " (" + e.getMessage() + ")",
          "unreadable " + file.getFileName());
    }
  }

  /** Returns the problem as a sentence for the report, e.g. {@code Not run (no x.json).} */
  String sentence() {
    return Fmt.capitalized(problem) + ".";
  }

  /** Returns whether there is a value. */
  boolean present() {
    return value != null;
  }
}
