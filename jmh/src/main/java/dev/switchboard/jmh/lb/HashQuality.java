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
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.loadbalance.ConsistentHashLoadBalance;

/**
 * Hash-balancing quality, deterministic (not timed): for N endpoints of equal weight, the
 * max/avg keys per endpoint, and the fraction of keys that move when one endpoint is removed or
 * added (and how many of those moved between endpoints that stayed). Both balancers run through
 * their real pickers: Switchboard's {@code switchboard_consistent_hash}, gRPC's
 * {@code ring_hash_experimental} with its default ring sizes, and Dubbo 3.3's
 * {@code ConsistentHashLoadBalance} with its defaults (160 virtual nodes per invoker).
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.lb.HashQuality
 * </pre>
 */
public final class HashQuality {
  private static final int KEYS = 1_000_000;

  private HashQuality() {}

  public static void main(String[] args) throws Exception {
    System.out.println("| balancer | N | max/avg | removing 1 moves (ideal 1/N) | of which between"
        + " survivors | adding 1 moves (ideal 1/(N+1)) |");
    System.out.println("|---|---|---|---|---|---|");
    for (String policy : List.of("switchboard_consistent_hash", "ring_hash_experimental",
        "dubbo_consistenthash")) {
      for (int n : new int[] {10, 100, 1000}) {
        int[] owners = owners(policy, n);
        int[] fewer = owners(policy, n - 1);
        int[] more = owners(policy, n + 1);
        int[] load = new int[n];
        for (int owner : owners) {
          load[owner]++;
        }
        double maxOverAvg = Arrays.stream(load).max().orElseThrow() / ((double) KEYS / n);
        int removedMoved = 0;
        int survivorsMoved = 0;
        int addedMoved = 0;
        for (int k = 0; k < KEYS; k++) {
          if (owners[k] != fewer[k]) {
            removedMoved++;
            if (owners[k] != n - 1) {
              survivorsMoved++;
            }
          }
          if (owners[k] != more[k]) {
            addedMoved++;
          }
        }
        System.out.printf("| %s | %d | %.3f | %.2f %% (%.2f %%) | %.2f %% | %.2f %% (%.2f %%) |%n",
            policy, n, maxOverAvg, 100.0 * removedMoved / KEYS, 100.0 / n,
            100.0 * survivorsMoved / KEYS, 100.0 * addedMoved / KEYS, 100.0 / (n + 1));
      }
    }
  }

  /** Returns, for each key, the index of the endpoint the policy sends it to. */
  private static int[] owners(String policy, int n) throws Exception {
    if (policy.startsWith("dubbo")) {
      return dubboOwners(n);
    }
    int[] weights = new int[n];
    Arrays.fill(weights, 100);
    BalancerHarness harness = new BalancerHarness(policy, Map.of(), weights);
    try {
      Random random = new Random(42);
      LoadBalancer.PickSubchannelArgs[] args = new LoadBalancer.PickSubchannelArgs[KEYS];
      CallOptions.Key<Long> grpcKey = grpcRingHashKey();
      for (int k = 0; k < KEYS; k++) {
        CallOptions options = policy.startsWith("switchboard")
            ? CallOptions.DEFAULT.withOption(HashKeys.CALL_OPTION, "key-" + random.nextLong())
            : CallOptions.DEFAULT.withOption(grpcKey, random.nextLong());
        args[k] = BalancerHarness.args(options);
      }
      harness.prime(List.of(args));
      int[] owners = new int[KEYS];
      for (int k = 0; k < KEYS; k++) {
        LoadBalancer.Subchannel subchannel = harness.picker().pickSubchannel(args[k])
            .getSubchannel();
        owners[k] = BalancerHarness.indexOf(subchannel);
      }
      return owners;
    } finally {
      harness.shutdown();
    }
  }

  /** Dubbo's ConsistentHashLoadBalance (160 virtual nodes, MD5), keyed by the first argument. */
  private static int[] dubboOwners(int n) {
    List<Invoker<Object>> invokers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      invokers.add(new DubboPickBenchmark.StandInInvoker(URL.valueOf("dubbo://10." + (i >> 16 & 255)
          + "." + (i >> 8 & 255) + "." + (i & 255) + ":20880/bench.Service?interface=bench.Service")));
    }
    URL consumer = URL.valueOf("consumer://127.0.0.1/bench.Service?interface=bench.Service");
    ConsistentHashLoadBalance balancer = new ConsistentHashLoadBalance();
    Random random = new Random(42);
    int[] owners = new int[KEYS];
    for (int k = 0; k < KEYS; k++) {
      RpcInvocation invocation = new RpcInvocation();
      invocation.setMethodName("sayHello");
      invocation.setParameterTypes(new Class<?>[] {String.class});
      invocation.setArguments(new Object[] {"key-" + random.nextLong()});
      String host = balancer.select(invokers, consumer, invocation).getUrl().getHost();
      String[] octets = host.split("\\.");
      owners[k] = Integer.parseInt(octets[1]) << 16 | Integer.parseInt(octets[2]) << 8
          | Integer.parseInt(octets[3]);
    }
    return owners;
  }

  @SuppressWarnings("unchecked")
  private static CallOptions.Key<Long> grpcRingHashKey() throws Exception {
    Field field = Class.forName("io.grpc.xds.XdsNameResolver").getDeclaredField("RPC_HASH_KEY");
    field.setAccessible(true);
    return (CallOptions.Key<Long>) field.get(null);
  }
}
