package dev.switchboard.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.Explain;
import dev.switchboard.rpc.Explanation;
import dev.switchboard.rpc.RetryBudget;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The client interceptor's decision: untouched options when off or over the limit. */
class ExplainInterceptorTest {
  private final AtomicLong clock = new AtomicLong();
  private final ExplainLimiter limiter = new ExplainLimiter(2, clock::get);
  private final ExplainInterceptor interceptor = new ExplainInterceptor("some_policy",
      new RetryBudgetTracker(RetryBudget.DEFAULT, clock::get), limiter);
  private CallOptions seen;

  private final Channel capturing = new Channel() {
    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      seen = options;
      return new ClientCall<>() {
        @Override
        public void start(Listener<R> listener, Metadata headers) {}

        @Override
        public void request(int count) {}

        @Override
        public void cancel(String message, Throwable cause) {}

        @Override
        public void halfClose() {}

        @Override
        public void sendMessage(Q message) {}
      };
    }

    @Override
    public String authority() {
      return "test";
    }
  };

  private CallOptions call(CallOptions options) {
    interceptor.interceptCall(GreeterGrpc.getSayHelloMethod(), options, capturing);
    return seen;
  }

  @Test
  void aCallThatDoesNotAskPassesItsOptionsThroughUntouched() {
    CallOptions options = CallOptions.DEFAULT.withAuthority("x");

    assertThat(call(options)).isSameAs(options);
    assertThat(call(options.withOption(Explain.CALL_OPTION, false))).isNotNull()
        .extracting(o -> o.getOption(Explanation.KEY)).isNull();
  }

  @Test
  void anExplainedCallCarriesARecordNamingTheMethodAndBalancer() {
    Explanation explanation = call(CallOptions.DEFAULT.withOption(Explain.CALL_OPTION, true))
        .getOption(Explanation.KEY);

    assertThat(explanation.method()).isEqualTo("helloworld.Greeter/SayHello");
    assertThat(explanation.balancer()).isEqualTo("some_policy");
    assertThat(seen.getStreamTracerFactories()).hasSize(1);
  }

  @Test
  void theContextFlagAsksAndTheCallOptionOverridesIt() throws Exception {
    Context explained = Context.current().withValue(Explain.CONTEXT_KEY, true);

    assertThat(explained.call(() -> call(CallOptions.DEFAULT)).getOption(Explanation.KEY))
        .isNotNull();
    assertThat(explained.call(() -> call(CallOptions.DEFAULT
        .withOption(Explain.CALL_OPTION, false))).getOption(Explanation.KEY)).isNull();
  }

  @Test
  void callsBeyondTheRateLimitAreNotExplained() {
    CallOptions asking = CallOptions.DEFAULT.withOption(Explain.CALL_OPTION, true);

    assertThat(call(asking).getOption(Explanation.KEY)).isNotNull();
    assertThat(call(asking).getOption(Explanation.KEY)).isNotNull();
    assertThat(call(asking)).as("the limit is 2 a second here").isSameAs(asking);
    clock.addAndGet(500_000_000L);
    assertThat(call(asking).getOption(Explanation.KEY)).isNotNull();
  }

  @Test
  void whatTheServerSaidIsPrintableAndBounded() {
    assertThat(ExplainInterceptor.sanitize(null)).isEqualTo("-");
    assertThat(ExplainInterceptor.sanitize("a b\nc")).isEqualTo("a?b?c");
    assertThat(ExplainInterceptor.sanitize("x".repeat(500))).hasSize(128);
  }
}
