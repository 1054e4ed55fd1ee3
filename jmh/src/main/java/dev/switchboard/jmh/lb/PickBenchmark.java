package dev.switchboard.jmh.lb;

import dev.switchboard.rpc.HashKeys;
import io.grpc.CallOptions;
import io.grpc.LoadBalancer;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Pick cost of every Switchboard balancer beside gRPC's own, through the real pickers (the
 * balancers run in {@link BalancerHarness}, outside a channel). Hash policies get a different key
 * per pick from 1,024 precomputed call options: ours a string key (hashing included), gRPC's
 * ring_hash its precomputed 64-bit hash (as its xDS resolver supplies it).
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar PickBenchmark -prof gc
 * java -jar jmh/target/benchmarks.jar PickBenchmark -t 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PickBenchmark {
  private static final int KEYS = 1_024;

  @Param({"switchboard_weighted_round_robin", "switchboard_weighted_random",
      "switchboard_consistent_hash", "switchboard_least_request", "switchboard_peak_ewma",
      "round_robin", "ring_hash_experimental", "least_request_experimental",
      "weighted_round_robin"})
  String policy;

  @Param({"10", "100", "1000"})
  int endpoints;

  BalancerHarness harness;
  LoadBalancer.SubchannelPicker picker;
  LoadBalancer.PickSubchannelArgs[] args;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    int[] weights = new int[endpoints];
    Arrays.fill(weights, 100);
    harness = new BalancerHarness(policy, Map.of(), weights);
    args = new LoadBalancer.PickSubchannelArgs[KEYS];
    Random random = new Random(42);
    CallOptions.Key<Long> grpcHashKey = grpcRingHashKey();
    for (int i = 0; i < KEYS; i++) {
      CallOptions options = CallOptions.DEFAULT;
      if (policy.equals("switchboard_consistent_hash")) {
        options = options.withOption(HashKeys.CALL_OPTION, "user-" + random.nextInt(1_000_000));
      } else if (policy.equals("ring_hash_experimental")) {
        options = options.withOption(grpcHashKey, random.nextLong());
      }
      args[i] = BalancerHarness.args(options);
    }
    harness.prime(List.of(args));
    picker = harness.picker();
  }

  @SuppressWarnings("unchecked")
  private static CallOptions.Key<Long> grpcRingHashKey() throws Exception {
    Field field = Class.forName("io.grpc.xds.XdsNameResolver").getDeclaredField("RPC_HASH_KEY");
    field.setAccessible(true);
    return (CallOptions.Key<Long>) field.get(null);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    harness.shutdown();
  }

  /** Per-thread position in the key list. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public LoadBalancer.PickResult pick(Cursor cursor) {
    return picker.pickSubchannel(args[cursor.next++ & (KEYS - 1)]);
  }

  /** Sanity check for a run: every policy yields a subchannel. */
  public static void main(String[] argv) throws Exception {
    PickBenchmark bench = new PickBenchmark();
    List<String> policies = new ArrayList<>(List.of("switchboard_weighted_round_robin",
        "switchboard_weighted_random", "switchboard_consistent_hash", "switchboard_least_request",
        "switchboard_peak_ewma", "round_robin", "ring_hash_experimental",
        "least_request_experimental", "weighted_round_robin"));
    for (String policy : policies) {
      bench.policy = policy;
      bench.endpoints = 10;
      bench.setUp();
      LoadBalancer.PickResult result = bench.pick(new Cursor());
      System.out.println(policy + " -> " + bench.harness.state() + " " + result);
      bench.tearDown();
    }
  }
}
