package dev.switchboard.jmh.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A suite step for {@link BenchmarkSuiteTest}, run in a child JVM: {@code write FILE} writes a
 * line to FILE, {@code print TEXT} prints TEXT, {@code fail} throws, {@code nothing} does
 * nothing. Stateless.
 */
public final class FakeStep {
  private FakeStep() {}

  public static void main(String[] args) throws IOException {
    switch (args[0]) {
      case "write" -> Files.writeString(Path.of(args[1]), "written by FakeStep\n");
      case "print" -> System.out.println(args[1]);
      case "fail" -> throw new IllegalStateException("FakeStep fails on purpose");
      case "nothing" -> { }
      default -> throw new IllegalArgumentException("unknown FakeStep action " + args[0]);
    }
  }
}
