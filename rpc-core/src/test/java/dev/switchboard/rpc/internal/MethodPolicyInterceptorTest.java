package dev.switchboard.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.CallAttempts;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.RetryBudget;
import dev.switchboard.rpc.RetryPolicy;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MethodPolicyInterceptorTest {
  private final RetryBudgetTracker budget =
      new RetryBudgetTracker(RetryBudget.DEFAULT, System::nanoTime);
  private final MethodPolicyInterceptor interceptor = new MethodPolicyInterceptor(
      MethodPolicies.resolve(GreeterGrpc.getServiceDescriptor(),
          MethodPolicy.builder().deadline(Duration.ofSeconds(30)).build(),
          Map.of("SayHelloStream", MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build()),
          "test"),
      budget);
  private CallOptions seen;

  private final Channel capturing = new Channel() {
    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      seen = options;
      return null;
    }

    @Override
    public String authority() {
      return "test";
    }
  };

  @Test
  void callWithoutDeadlineGetsTheDefault() {
    interceptor.interceptCall(GreeterGrpc.getSayHelloMethod(), CallOptions.DEFAULT, capturing);

    assertThat(seen.getDeadline()).isNotNull();
    assertThat(seen.getDeadline().timeRemaining(TimeUnit.SECONDS)).isBetween(25L, 30L);
  }

  @Test
  void callerDeadlineIsKept() {
    Deadline mine = Deadline.after(1, TimeUnit.SECONDS);

    interceptor.interceptCall(GreeterGrpc.getSayHelloMethod(),
        CallOptions.DEFAULT.withDeadline(mine), capturing);

    assertThat(seen.getDeadline()).isSameAs(mine);
  }

  @Test
  void deadlineOfTheCallBeingServedIsInherited() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (Context.CancellableContext serving = Context.current()
        .withDeadline(Deadline.after(1, TimeUnit.SECONDS), scheduler)) {
      serving.run(() -> interceptor.interceptCall(
          GreeterGrpc.getSayHelloMethod(), CallOptions.DEFAULT, capturing));
    } finally {
      scheduler.shutdownNow();
    }

    // gRPC applies the context deadline itself; the default must not replace it.
    assertThat(seen.getDeadline()).isNull();
  }

  @Test
  void onlyRetryingMethodsCarryAnAttemptRecord() {
    interceptor.interceptCall(GreeterGrpc.getSayHelloMethod(), CallOptions.DEFAULT, capturing);
    assertThat(seen.getOption(CallAttempts.KEY)).isNull();

    interceptor.interceptCall(GreeterGrpc.getSayHelloStreamMethod(), CallOptions.DEFAULT,
        capturing);
    assertThat(seen.getOption(CallAttempts.KEY)).isNotNull();
    assertThat(seen.getDeadline()).as("the default still applies").isNotNull();
  }
}
