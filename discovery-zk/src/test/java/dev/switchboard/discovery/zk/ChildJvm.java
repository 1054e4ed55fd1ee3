package dev.switchboard.discovery.zk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM on this test's class path, for failures that need a real process: {@code kill -9},
 * {@code SIGSTOP}. Its output goes to a log file; {@link #awaitLine} waits for a line of it.
 * Thread-safe.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final CompletableFuture<String> ready = new CompletableFuture<>();

  private ChildJvm(Process process, Predicate<String> readyLine, Path log) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           var out = java.nio.file.Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        String line;
        while ((line = lines.readLine()) != null) {
          out.write(line);
          out.newLine();
          out.flush();
          if (!ready.isDone() && readyLine.test(line)) {
            ready.complete(line);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IllegalStateException("child exited; see " + log));
    }, "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} with {@code args}; {@code readyLine} marks its start-up line. */
  static ChildJvm start(String name, Class<?> mainClass, Predicate<String> readyLine,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    Path log = Path.of("target", name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ChildJvm(process, readyLine, log);
  }

  /** Waits for the start-up line and returns it. */
  String awaitReady(long timeout, TimeUnit unit) throws Exception {
    return ready.get(timeout, unit);
  }

  long pid() {
    return process.pid();
  }

  /** Sends {@code SIGKILL}: no shutdown hook, no deregistration. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) with {@code kill}. */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill9();
      }
    }
  }
}
