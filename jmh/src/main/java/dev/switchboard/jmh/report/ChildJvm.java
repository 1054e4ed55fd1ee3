package dev.switchboard.jmh.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs a {@link Step} in a child JVM ({@code java -cp <class path> <main> <args>}), so every
 * benchmark runs isolated from the suite and from each other. The child's output streams through
 * to the console; a step that captures its standard output also gets it in its file (written
 * only when the child succeeds).
 *
 * <p>Immutable; {@link #run} blocks until the child exits and may be called from any thread.
 */
final class ChildJvm {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./=:,@%+-]+");

  private final String java;
  private final String classPath;
  private final PrintStream console;

  ChildJvm(String java, String classPath, PrintStream console) {
    this.java = java;
    this.classPath = classPath;
    this.console = console;
  }

  /** Returns a launcher for this JVM's java binary and class path, printing to standard out. */
  static ChildJvm current() {
    return new ChildJvm(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        System.getProperty("java.class.path"), System.out);
  }

  /** Returns the full command for {@code step}. */
  List<String> command(Step step) {
    List<String> command = new ArrayList<>(List.of(java, "-cp", classPath));
    command.addAll(step.arguments());
    return command;
  }

  /** Returns the command as a user would type it: {@code java}, shell-quoted arguments. */
  String display(Step step) {
    List<String> command = command(step);
    command.set(0, "java");
    StringBuilder out = new StringBuilder();
    for (String arg : command) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(quote(arg));
    }
    return out.toString();
  }

  /** Quotes {@code arg} for a POSIX shell if it needs it. */
  static String quote(String arg) {
    return PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }

  /**
   * Runs {@code step} and waits for it.
   *
   * @throws StepFailedException if the child exits with a non-zero status or does not write its
   *     result file
   */
  void run(Step step) throws IOException, InterruptedException {
    Files.createDirectories(step.resultFile().toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command(step))
        .redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    Path capture = step.stdoutCapture();
    Path partial = null;
    if (capture == null) {
      builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    }
    console.flush();
    Process process = builder.start();
    if (capture != null) {
      partial = capture.resolveSibling(capture.getFileName() + ".partial");
      try (InputStream in = process.getInputStream();
           OutputStream file = Files.newOutputStream(partial)) {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0;) {
          console.write(buffer, 0, n);
          console.flush();
          file.write(buffer, 0, n);
        }
      }
    }
    int status = process.waitFor();
    if (status != 0) {
      if (partial != null) {
        Files.deleteIfExists(partial);
      }
      throw new StepFailedException(step, "exited with status " + status, display(step));
    }
    if (partial != null) {
      Files.move(partial, capture, StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isRegularFile(step.resultFile())) {
      throw new StepFailedException(step, "finished but did not write " + step.resultFile(),
          display(step));
    }
  }
}
