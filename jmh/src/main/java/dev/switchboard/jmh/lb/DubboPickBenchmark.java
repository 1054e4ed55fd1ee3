package dev.switchboard.jmh.lb;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.LoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.ConsistentHashLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.LeastActiveLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.RandomLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.RoundRobinLoadBalance;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pick cost of Dubbo 3.3's balancers, for comparison with {@link PickBenchmark} (same endpoint
 * counts, weights 100, a different key per pick for consistent hashing). Each pick is Dubbo's
 * {@code LoadBalance.select} over a list of stand-in invokers, as its cluster invoker calls it.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar DubboPickBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DubboPickBenchmark {
  private static final int KEYS = 1_024;

  @Param({"roundrobin", "random", "consistenthash", "leastactive"})
  String policy;

  @Param({"10", "100", "1000"})
  int endpoints;

  LoadBalance balancer;
  List<Invoker<Object>> invokers;
  URL consumerUrl;
  Invocation[] invocations;

  @Setup(Level.Trial)
  public void setUp() {
    balancer = switch (policy) {
      case "roundrobin" -> new RoundRobinLoadBalance();
      case "random" -> new RandomLoadBalance();
      case "consistenthash" -> new ConsistentHashLoadBalance();
      default -> new LeastActiveLoadBalance();
    };
    invokers = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      URL url = URL.valueOf("dubbo://10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "."
          + (i & 255) + ":20880/bench.Service?weight=100&interface=bench.Service");
      invokers.add(new StandInInvoker(url));
    }
    consumerUrl = URL.valueOf("consumer://127.0.0.1/bench.Service?interface=bench.Service");
    Random random = new Random(42);
    invocations = new Invocation[KEYS];
    for (int k = 0; k < KEYS; k++) {
      RpcInvocation invocation = new RpcInvocation();
      invocation.setMethodName("sayHello");
      invocation.setParameterTypes(new Class<?>[] {String.class});
      invocation.setArguments(new Object[] {"user-" + random.nextInt(1_000_000)});
      invocations[k] = invocation;
    }
  }

  /** Per-thread position in the key list. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public Invoker<Object> pick(Cursor cursor) {
    return balancer.select(invokers, consumerUrl, invocations[cursor.next++ & (KEYS - 1)]);
  }

  /** An invoker that only has a URL: all a balancer looks at. */
  static final class StandInInvoker implements Invoker<Object> {
    private final URL url;

    StandInInvoker(URL url) {
      this.url = url;
    }

    @Override
    public Class<Object> getInterface() {
      return Object.class;
    }

    @Override
    public Result invoke(Invocation invocation) {
      throw new UnsupportedOperationException();
    }

    @Override
    public URL getUrl() {
      return url;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public void destroy() {}
  }
}
