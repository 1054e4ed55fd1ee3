package dev.switchboard.loadbalance.internal;

import dev.switchboard.rpc.CallAttemptsAware;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.Map;

/**
 * What Switchboard's providers share: availability, priority, errors as values, and the promise
 * that their pickers honour the call attempts record (budget and failover).
 */
public abstract class SwitchboardLoadBalancerProvider extends LoadBalancerProvider
    implements CallAttemptsAware {
  private final String policyName;

  protected SwitchboardLoadBalancerProvider(String policyName) {
    this.policyName = policyName;
  }

  @Override
  public final boolean isAvailable() {
    return true;
  }

  @Override
  public final int getPriority() {
    return 5;
  }

  @Override
  public final String getPolicyName() {
    return policyName;
  }

  /** Parses the policy's JSON configuration; throws IllegalArgumentException naming the fault. */
  protected abstract Object parse(Map<String, ?> rawConfig);

  @Override
  public final ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    try {
      return ConfigOrError.fromConfig(parse(rawConfig == null ? Map.of() : rawConfig));
    } catch (IllegalArgumentException e) {
      return ConfigOrError.fromError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
    }
  }
}
