package dev.switchboard.loadbalance;

import dev.switchboard.loadbalance.internal.BalancerConfigs;
import dev.switchboard.loadbalance.internal.LoadBalancers;
import dev.switchboard.loadbalance.internal.SwitchboardLoadBalancerProvider;
import io.grpc.LoadBalancer;
import java.util.Map;

/**
 * Provides {@value Balancers#CONSISTENT_HASH}: calls with the same key go to the same instance
 * (weight-aware Maglev table), and only about 1/N of the keys move when one of N instances joins
 * or leaves. The key comes from {@code HashKeys.CALL_OPTION} (set per stub, per context, or from a
 * request field, see {@code dev.switchboard.rpc.HashKeys}), else from a configured header.
 *
 * <p>Configuration: {@code {"hashHeader": "x-user-id", "boundedLoad": true, "loadFactor": 1.25}}
 * — with bounded load, an instance that already has more than {@code loadFactor} times its share
 * of the calls in flight passes the key on to the next instance of the table. All optional.
 * Thread-safe.
 */
public final class ConsistentHashLoadBalancerProvider extends SwitchboardLoadBalancerProvider {
  public ConsistentHashLoadBalancerProvider() {
    super(Balancers.CONSISTENT_HASH);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return LoadBalancers.consistentHash(helper);
  }

  @Override
  protected Object parse(Map<String, ?> rawConfig) {
    return BalancerConfigs.hash(rawConfig);
  }
}
