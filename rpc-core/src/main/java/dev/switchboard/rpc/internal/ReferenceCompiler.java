package dev.switchboard.rpc.internal;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.BalancerSettings;
import dev.switchboard.rpc.CallAttemptsAware;
import dev.switchboard.rpc.ClientTls;
import dev.switchboard.rpc.HashKeys;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.OutlierDetection;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryBudget;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolver;
import io.grpc.ServiceDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one place a reference is compiled: {@link ReferenceConfig} + the client's defaults + the
 * service descriptor → a {@link CompiledReference} (channel key, service config, interceptor
 * chain). Every decision about how a reference calls lives here, once: which balancer and whether
 * it accepts its settings, whether retries are possible with it, the per-method policies, and the
 * interceptor order. {@code RpcClient} only pools channels by the key; benchmarks and tests
 * compile references the same way.
 *
 * <p>Stateless and thread-safe; shared state (budgets, fallback servers, the response cache)
 * comes from {@link Resources}.
 */
public final class ReferenceCompiler {

  /** The balancer used when neither the reference nor the client names one. */
  public static final String DEFAULT_BALANCER = "switchboard_weighted_round_robin";

  private ReferenceCompiler() {}

  /**
   * A client's defaults for references that set nothing.
   *
   * @param balancer the balancer
   * @param deadline the default deadline, or {@code null} for none
   */
  public record ClientDefaults(BalancerSettings balancer, Duration deadline) {
    public ClientDefaults {
      requireNonNull(balancer, "balancer");
    }
  }

  /** What compiled references share with their client. Implementations are thread-safe. */
  public interface Resources {
    /** Returns the retry budget of the channel with {@code key}, one per key. */
    RetryBudgetTracker budget(ChannelKey key);

    /**
     * Returns a channel to the fallback of {@code config} (served in-process once per object, or
     * per class for a fallback given by class), or {@code null} if it has none.
     */
    Channel fallbackChannel(ReferenceConfig config, ServiceDescriptor service, String where);

    /** Returns the fallback machinery (response cache and statistics). */
    FallbackInterceptor.Shared fallbacks();

    /**
     * Returns the rate limit of explained calls ({@code Explain}), one per client; by default
     * {@link ExplainLimiter#SHARED}, one for the whole process.
     */
    default ExplainLimiter explainLimiter() {
      return ExplainLimiter.SHARED;
    }
  }

  /**
   * What identifies a shared channel: references with equal keys share one.
   *
   * @param service the registered service name
   * @param balancer the balancer and its settings
   * @param outlierDetection gRPC outlier ejection, or {@code null}
   * @param methodConfig the service config {@code methodConfig} entries
   * @param retryBudget the channel's retry budget
   * @param tls the reference's own TLS settings, or {@code null} for the client's
   * @param subsetSize how many instances the channel connects to, 0 for all
   */
  public record ChannelKey(String service, BalancerSettings balancer,
      OutlierDetection outlierDetection, List<Map<String, ?>> methodConfig,
      RetryBudget retryBudget, ClientTls tls, int subsetSize) {

    /** Returns the channel's service config: its balancer and method configs. */
    public Map<String, ?> serviceConfig() {
      Map<String, ?> policy = Map.of(balancer.policyName(), balancer.serviceConfig());
      if (outlierDetection != null) {
        policy = outlierDetection.wrap(balancer.policyName(), balancer.serviceConfig());
      }
      return methodConfig.isEmpty()
          ? Map.of("loadBalancingConfig", List.of(policy))
          : Map.of("loadBalancingConfig", List.of(policy), "methodConfig", methodConfig);
    }
  }

  /**
   * A compiled reference. Immutable.
   *
   * @param channelKey the key of the channel to call on
   * @param interceptors the chain, outermost first
   */
  public record CompiledReference(ChannelKey channelKey, List<ClientInterceptor> interceptors) {
    /** Returns {@code channel} behind the chain, the outermost interceptor seeing calls first. */
    public Channel intercept(Channel channel) {
      List<ClientInterceptor> innermostFirst = new ArrayList<>(interceptors);
      java.util.Collections.reverse(innermostFirst); // intercept() applies the last one first
      return ClientInterceptors.intercept(channel, innermostFirst);
    }
  }

  /**
   * Compiles {@code config} for {@code descriptor}, registered as {@code service}.
   *
   * @param where names the reference in error messages
   * @throws IllegalArgumentException naming the reference, the value and what is allowed
   */
  public static CompiledReference compile(ReferenceConfig config, ClientDefaults defaults,
      ServiceDescriptor descriptor, String service, Resources resources, String where) {
    MethodPolicy methodDefaults = config.methodDefaults();
    if (methodDefaults.deadline().isEmpty() && defaults.deadline() != null) {
      methodDefaults = methodDefaults.toBuilder().deadline(defaults.deadline()).build();
    }
    MethodPolicies policies =
        MethodPolicies.resolve(descriptor, methodDefaults, config.methods(), where);
    BalancerSettings balancer = config.balancer().orElse(defaults.balancer());
    LoadBalancerProvider provider = checkBalancer(balancer, where);
    if (!(provider instanceof CallAttemptsAware)
        && policies.any(p -> p.retry().isPresent() || p.hedging().isPresent())) {
      throw new IllegalArgumentException(where + ": balancer '" + balancer.policyName()
          + "' cannot give retries and hedges their budget and failover to untried instances;"
          + " use a Switchboard balancer (e.g. " + DEFAULT_BALANCER + ") or no retry policy");
    }
    ChannelKey key = new ChannelKey(service, balancer, config.outlierDetection().orElse(null),
        policies.methodConfig(descriptor.getName()), config.retryBudget(),
        config.tls().orElse(null), config.subsetSize());

    // The chain, outermost first: fallback; policy (default deadline, budget deposit, attempts
    // record); hash key from the context; hash key from the request field; explain (innermost,
    // so that it sees the options gRPC's retries and the balancer will see).
    List<ClientInterceptor> chain = new ArrayList<>();
    Channel fallbackChannel = resources.fallbackChannel(config, descriptor, where);
    if (fallbackChannel != null || policies.any(MethodPolicy::hasFallback)) {
      chain.add(new FallbackInterceptor(policies, fallbackChannel, resources.fallbacks()));
    }
    RetryBudgetTracker budget = resources.budget(key);
    chain.add(new MethodPolicyInterceptor(policies, budget));
    chain.add(HashKeys.contextInterceptor());
    config.hashField().ifPresent(field -> chain.add(new RequestFieldHashKeyInterceptor(field)));
    chain.add(new ExplainInterceptor(balancer.policyName(), budget, resources.explainLimiter()));
    return new CompiledReference(key, List.copyOf(chain));
  }

  /** Returns the key of a plain channel to {@code service} with {@code balancer} and no policy. */
  public static ChannelKey plainChannel(String service, BalancerSettings balancer, String where) {
    checkBalancer(balancer, where);
    return new ChannelKey(service, balancer, null, List.of(), RetryBudget.DEFAULT, null, 0);
  }

  /**
   * Checks that {@code balancer} names a registered policy that accepts its settings; returns
   * its provider.
   *
   * @throws IllegalArgumentException naming the policy and the fault
   */
  public static LoadBalancerProvider checkBalancer(BalancerSettings balancer, String where) {
    LoadBalancerProvider provider =
        LoadBalancerRegistry.getDefaultRegistry().getProvider(balancer.policyName());
    if (provider == null) {
      throw new IllegalArgumentException(where + ": balancer '" + balancer.policyName()
          + "' is unknown: no gRPC LoadBalancerProvider has that policy name (Switchboard's are in"
          + " switchboard-loadbalance, e.g. " + DEFAULT_BALANCER + "; gRPC's include round_robin"
          + " and pick_first)");
    }
    NameResolver.ConfigOrError parsed =
        provider.parseLoadBalancingPolicyConfig(balancer.serviceConfig());
    if (parsed.getError() != null) {
      throw new IllegalArgumentException(where + ": balancer '" + balancer.policyName()
          + "' rejects its settings: " + parsed.getError().getDescription());
    }
    return provider;
  }
}
