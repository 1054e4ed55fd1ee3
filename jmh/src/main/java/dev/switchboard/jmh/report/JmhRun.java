package dev.switchboard.jmh.report;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/**
 * A JMH invocation of the suite: which benchmark classes (optionally only some of their methods),
 * which parameter values (a parameter not given takes every value of its {@code @Param}), how
 * many threads, benchmark mode, {@code -prof gc} or not, and the iteration settings. It writes
 * JMH's native JSON to its result file.
 *
 * <p>Options for the forked measuring JVMs (system properties, say) go to JMH's
 * {@code -jvmArgsAppend}, after the options the forks inherit, as one space-separated value, which
 * is how JMH splits it; so a single JVM argument must not contain whitespace. That option replaces
 * the classes' own {@code @Fork(jvmArgsAppend)}, so theirs are passed first. A run may also copy
 * its standard output, JMH's log with whatever the benchmarks print, to a file beside its result.
 *
 * <p>The time estimate counts the benchmark × parameter combinations from the classes'
 * annotations, so it follows the sources: combinations × forks × (iterations + the per-fork
 * overhead: JVM start and the benchmark's set-up) + 1 s for the JMH host JVM.
 *
 * <p>Immutable.
 *
 * @param name short name
 * @param description what it measures
 * @param resultFile where JMH writes its JSON
 * @param benchmarks the benchmark classes
 * @param methods the benchmark methods to run; empty for all
 * @param params parameter values that replace the annotations' ({@code -p})
 * @param threads benchmark threads ({@code -t}); 0 for each method's own {@code @Threads}
 * @param benchmarkMode a mode replacing the classes' ({@code -bm}, with {@code -tu s}), or null
 * @param gcProfiler whether to add {@code -prof gc} (allocation per operation)
 * @param settings forks and iterations
 * @param forkOverheadSeconds the estimated seconds per fork outside the iterations
 * @param jvmArgsAppend arguments for the forked JVMs ({@code -jvmArgsAppend}); empty for none
 * @param stdoutCapture where to copy the run's standard output, or null to only stream it
 */
record JmhRun(String name, String description, Path resultFile, List<Class<?>> benchmarks,
    List<String> methods, Map<String, List<String>> params, int threads, String benchmarkMode,
    boolean gcProfiler, JmhSettings settings, double forkOverheadSeconds,
    List<String> jvmArgsAppend, Path stdoutCapture) implements Step {

  /** Seconds to start the JMH host JVM, which forks the measuring JVMs. */
  static final double HOST_JVM_SECONDS = 1.0;

  JmhRun {
    benchmarks = List.copyOf(benchmarks);
    methods = List.copyOf(methods);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    params.forEach((key, values) -> copy.put(key, List.copyOf(values)));
    params = Collections.unmodifiableMap(copy);
    jvmArgsAppend = List.copyOf(jvmArgsAppend);
    for (String arg : jvmArgsAppend) {
      if (arg.isEmpty() || arg.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(name + ": JMH splits -jvmArgsAppend at whitespace,"
            + " so a forked-JVM argument cannot be empty or contain it: '" + arg + "'");
      }
    }
    if (resultFile.equals(stdoutCapture)) {
      throw new IllegalArgumentException(name + ": the standard output would overwrite the"
          + " result file " + resultFile);
    }
  }

  /**
   * Returns a run of every method of {@code benchmarks}, all their parameter values, 1 thread,
   * their own mode, without profiler.
   */
  static JmhRun of(String name, String description, Path resultFile, JmhSettings settings,
      double forkOverheadSeconds, Class<?>... benchmarks) {
    return new JmhRun(name, description, resultFile, List.of(benchmarks), List.of(), Map.of(), 1,
        null, false, settings, forkOverheadSeconds, List.of(), null);
  }

  /** Returns this run with {@code param} restricted to {@code values}. */
  JmhRun param(String param, String... values) {
    Map<String, List<String>> changed = new LinkedHashMap<>(params);
    changed.put(param, List.of(values));
    return new JmhRun(name, description, resultFile, benchmarks, methods, changed, threads,
        benchmarkMode, gcProfiler, settings, forkOverheadSeconds, jvmArgsAppend, stdoutCapture);
  }

  /** Returns this run with only {@code only} of the benchmark methods. */
  JmhRun methods(String... only) {
    return new JmhRun(name, description, resultFile, benchmarks, List.of(only), params, threads,
        benchmarkMode, gcProfiler, settings, forkOverheadSeconds, jvmArgsAppend, stdoutCapture);
  }

  /** Returns this run on {@code count} threads, or 0 for each method's own. */
  JmhRun threads(int count) {
    return new JmhRun(name, description, resultFile, benchmarks, methods, params, count,
        benchmarkMode, gcProfiler, settings, forkOverheadSeconds, jvmArgsAppend, stdoutCapture);
  }

  /** Returns this run in JMH mode {@code mode} (e.g. {@code thrpt}), in operations per second. */
  JmhRun mode(String mode) {
    return new JmhRun(name, description, resultFile, benchmarks, methods, params, threads, mode,
        gcProfiler, settings, forkOverheadSeconds, jvmArgsAppend, stdoutCapture);
  }

  /** Returns this run with {@code -prof gc}. */
  JmhRun gc() {
    return new JmhRun(name, description, resultFile, benchmarks, methods, params, threads,
        benchmarkMode, true, settings, forkOverheadSeconds, jvmArgsAppend, stdoutCapture);
  }

  /**
   * Returns this run with {@code args} appended to the forked JVMs' options
   * ({@code -jvmArgsAppend}), e.g. {@code -Dio.netty.handler.ssl.noOpenSsl=true}.
   *
   * @throws IllegalArgumentException if an argument is empty or contains whitespace
   */
  JmhRun jvmArgsAppend(String... args) {
    List<String> appended = new ArrayList<>(jvmArgsAppend);
    appended.addAll(List.of(args));
    return new JmhRun(name, description, resultFile, benchmarks, methods, params, threads,
        benchmarkMode, gcProfiler, settings, forkOverheadSeconds, appended, stdoutCapture);
  }

  /** Returns this run copying its standard output (JMH's log) to {@code file}. */
  JmhRun captureStdout(Path file) {
    return new JmhRun(name, description, resultFile, benchmarks, methods, params, threads,
        benchmarkMode, gcProfiler, settings, forkOverheadSeconds, jvmArgsAppend, file);
  }

  @Override
  public List<String> arguments() {
    List<String> args = new ArrayList<>();
    args.add("org.openjdk.jmh.Main");
    for (Class<?> benchmark : benchmarks) {
      String prefix = benchmark.getName().replace(".", "\\.") + "\\.";
      if (methods.isEmpty()) {
        args.add(prefix);
      } else {
        for (String method : methods) {
          args.add(prefix + method + "$");
        }
      }
    }
    args.addAll(Arrays.asList(settings.arguments()));
    if (threads > 0) {
      args.addAll(List.of("-t", String.valueOf(threads)));
    }
    if (benchmarkMode != null) {
      args.addAll(List.of("-bm", benchmarkMode, "-tu", "s"));
    }
    if (gcProfiler) {
      args.addAll(List.of("-prof", "gc"));
    }
    params.forEach((param, values) -> args.addAll(List.of("-p",
        param + "=" + String.join(",", values))));
    if (!jvmArgsAppend.isEmpty()) {
      Set<String> forked = new LinkedHashSet<>();
      for (Class<?> benchmark : benchmarks) {
        Fork fork = benchmark.getAnnotation(Fork.class);
        for (String arg : fork == null ? new String[0] : fork.jvmArgsAppend()) {
          if (!arg.equals(Fork.BLANK_ARGS)) { // the annotation's "not set"
            forked.add(arg);
          }
        }
      }
      forked.addAll(jvmArgsAppend);
      args.addAll(List.of("-jvmArgsAppend", String.join(" ", forked)));
    }
    // Fail on error: a benchmark that throws fails the run, instead of a row silently missing.
    args.addAll(List.of("-foe", "true", "-rf", "json", "-rff", resultFile.toString()));
    return args;
  }

  /**
   * Returns the benchmark × parameter combinations the run measures.
   *
   * @throws IllegalStateException if a method or parameter value is not in the classes, or a
   *     given parameter belongs to none of them
   */
  int combinations() {
    Set<String> used = new LinkedHashSet<>();
    int total = 0;
    for (Class<?> benchmark : benchmarks) {
      int methodCount = benchmarkMethods(benchmark);
      int combinations = 1;
      for (Field field : benchmark.getDeclaredFields()) {
        Param param = field.getAnnotation(Param.class);
        if (param == null) {
          continue;
        }
        List<String> declared = List.of(param.value());
        List<String> chosen = params.get(field.getName());
        if (chosen == null) {
          combinations *= declared.size();
          continue;
        }
        used.add(field.getName());
        for (String value : chosen) {
          if (!declared.isEmpty() && !declared.contains(value)) {
            throw new IllegalStateException(name + ": " + benchmark.getSimpleName()
                + " has no " + field.getName() + " value " + value + "; its values: " + declared);
          }
        }
        combinations *= chosen.size();
      }
      total += methodCount * combinations;
    }
    for (String param : params.keySet()) {
      if (!used.contains(param)) {
        throw new IllegalStateException(name + ": no benchmark of " + benchmarks.stream()
            .map(Class::getSimpleName).toList() + " has a parameter " + param);
      }
    }
    return total;
  }

  private int benchmarkMethods(Class<?> benchmark) {
    List<String> declared = Arrays.stream(benchmark.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Benchmark.class)).map(Method::getName).toList();
    if (methods.isEmpty()) {
      // The methods of a @Group run together, as one benchmark.
      return (int) Arrays.stream(benchmark.getDeclaredMethods())
          .filter(m -> m.isAnnotationPresent(Benchmark.class))
          .map(m -> m.isAnnotationPresent(Group.class) ? "group " + m.getAnnotation(Group.class)
              .value() : m.getName())
          .distinct().count();
    }
    for (String method : methods) {
      if (!declared.contains(method)) {
        throw new IllegalStateException(name + ": " + benchmark.getSimpleName()
            + " has no benchmark method " + method + "; its methods: " + declared);
      }
    }
    return methods.size();
  }

  /** Returns the seconds one fork takes, iterations and overhead. */
  private double forkSeconds() {
    return settings.iterationSeconds() + forkOverheadSeconds;
  }

  @Override
  public double estimatedSeconds() {
    return combinations() * settings.forks() * forkSeconds() + HOST_JVM_SECONDS;
  }

  @Override
  public String estimateFormula() {
    return String.format(Locale.ROOT, "%d combinations × %d fork%s × (%s iterating + %s"
        + " start-up) + %s", combinations(), settings.forks(), settings.forks() == 1 ? "" : "s",
        Fmt.num(settings.iterationSeconds()) + " s", Fmt.num(forkOverheadSeconds) + " s",
        Fmt.num(HOST_JVM_SECONDS) + " s");
  }
}
