package dev.switchboard.jmh;

import dev.switchboard.loadbalance.select.SmoothWeightedRoundRobin;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pick cost of the smooth weighted round robin selector, and the cost of building its schedule,
 * with random weights 1..1000 over N endpoints.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar SmoothWeightedRoundRobinBenchmark -prof gc
 * java -jar jmh/target/benchmarks.jar SmoothWeightedRoundRobinBenchmark.pick -t 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmoothWeightedRoundRobinBenchmark {

  @Param({"10", "100", "1000"})
  int endpoints;

  int[] weights;
  SmoothWeightedRoundRobin selector;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    weights = new int[endpoints];
    for (int i = 0; i < endpoints; i++) {
      weights[i] = 1 + random.nextInt(1_000);
    }
    selector = new SmoothWeightedRoundRobin(weights, random.nextInt());
  }

  @Benchmark
  public int pick() {
    return selector.next();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int[] buildSchedule() {
    return SmoothWeightedRoundRobin.schedule(weights);
  }
}
