package dev.switchboard.jmh.lb;

import io.grpc.CallOptions;
import io.grpc.LoadBalancer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pick cost of the weighted balancers when the weights differ (1, 2, 3, 1, 2, 3...): the
 * two-choice balancers then draw both candidates by weight (two alias-table draws from two
 * random longs) instead of two distinct uniform ones, which {@link PickBenchmark}'s equal weights
 * do not exercise. Not part of the suite; run it alone:
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar UnequalWeightPickBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class UnequalWeightPickBenchmark {

  @Param({"switchboard_weighted_round_robin", "switchboard_least_request",
      "switchboard_peak_ewma"})
  public String policy;

  @Param({"1000"})
  public int endpoints;

  private BalancerHarness harness;
  private LoadBalancer.SubchannelPicker picker;
  private LoadBalancer.PickSubchannelArgs args;

  @Setup(Level.Trial)
  public void setUp() {
    int[] weights = new int[endpoints];
    for (int i = 0; i < endpoints; i++) {
      weights[i] = 100 * (i % 3 + 1);
    }
    harness = new BalancerHarness(policy, Map.of(), weights);
    args = BalancerHarness.args(CallOptions.DEFAULT);
    harness.prime(List.of(args));
    picker = harness.picker();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    harness.shutdown();
  }

  @Benchmark
  public LoadBalancer.PickResult pick() {
    return picker.pickSubchannel(args);
  }
}
