package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.CallAttempts;
import dev.switchboard.rpc.MethodPolicy;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Applies a reference's per-method policies to each call: the default deadline when the call has
 * none of its own (neither on its options nor inherited from the call being served: a caller's
 * deadline, shorter or longer, always wins, and gRPC takes the earlier of options and context),
 * and, for methods that retry or hedge, a {@link CallAttempts} record drawing on the channel's
 * retry budget. Every call deposits into the budget. Immutable.
 */
public final class MethodPolicyInterceptor implements ClientInterceptor {
  private final MethodPolicies policies;
  private final RetryBudgetTracker budget;

  public MethodPolicyInterceptor(MethodPolicies policies, RetryBudgetTracker budget) {
    this.policies = policies;
    this.budget = budget;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    MethodPolicy policy = policies.of(method);
    Duration deadline = policy.deadline().orElse(null);
    if (deadline != null && options.getDeadline() == null
        && Context.current().getDeadline() == null) {
      options = options.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
    budget.deposit();
    if (policy.retry().isPresent() || policy.hedging().isPresent()) {
      options = options.withOption(CallAttempts.KEY, new CallAttempts(budget));
    }
    return next.newCall(method, options);
  }
}
