package dev.switchboard.loadbalance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.rpc.CallAttempts;
import dev.switchboard.rpc.RetryBudget;
import dev.switchboard.rpc.internal.RetryBudgetTracker;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverTest {
  private static final Metadata.Key<String> PREVIOUS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);

  private final FakeHelper helper = new FakeHelper();
  private final AtomicLong now = new AtomicLong();
  private PickResult[] results;

  @BeforeEach
  void setUp() {
    results = new PickResult[3];
    for (int i = 0; i < 3; i++) {
      results[i] = PickResult.withSubchannel(helper.createSubchannel(
          LoadBalancer.CreateSubchannelArgs.newBuilder()
              .setAddresses(FakeHelper.address(1000 + i, Attributes.EMPTY)).build()));
    }
  }

  @AfterEach
  void tearDown() {
    helper.close();
  }

  /** A chooser that keeps answering endpoint 0, as a random one may for a while. */
  private final Failover.Chooser stubborn = new Failover.Chooser() {
    @Override
    public PickResult choose() {
      return results[0];
    }

    @Override
    public PickResult candidate(int index) {
      return results[index];
    }
  };

  private static PickSubchannelArgs args(CallOptions options, int previousAttempts) {
    Metadata headers = new Metadata();
    if (previousAttempts > 0) {
      headers.put(PREVIOUS, Integer.toString(previousAttempts));
    }
    return new PickSubchannelArgs() {
      @Override
      public CallOptions getCallOptions() {
        return options;
      }

      @Override
      public Metadata getHeaders() {
        return headers;
      }

      @Override
      public MethodDescriptor<?, ?> getMethodDescriptor() {
        return null;
      }
    };
  }

  private CallAttempts attempts(RetryBudget budget) {
    return new CallAttempts(new RetryBudgetTracker(budget, now::get));
  }

  @Test
  void aCallWithoutARecordIsPickedAsUsual() {
    assertThat(Failover.pick(args(CallOptions.DEFAULT, 0), stubborn, 3)).isSameAs(results[0]);
  }

  @Test
  void aRetryGoesToAnEndpointNotTried() {
    CallAttempts attempts = attempts(RetryBudget.DEFAULT);
    CallOptions options = CallOptions.DEFAULT.withOption(CallAttempts.KEY, attempts);
    assertThat(Failover.pick(args(options, 0), stubborn, 3)).isSameAs(results[0]);

    PickResult retry = Failover.pick(args(options, 1), stubborn, 3);
    PickResult third = Failover.pick(args(options, 2), stubborn, 3);

    assertThat(retry).isNotSameAs(results[0]);
    assertThat(third).isNotSameAs(results[0]).isNotSameAs(retry);
  }

  @Test
  void whenEveryEndpointWasTriedARetryGoesRoundAgain() {
    CallAttempts attempts = attempts(RetryBudget.DEFAULT);
    CallOptions options = CallOptions.DEFAULT.withOption(CallAttempts.KEY, attempts);
    for (int attempt = 0; attempt < 3; attempt++) {
      Failover.pick(args(options, attempt), stubborn, 3);
    }

    assertThat(Failover.pick(args(options, 3), stubborn, 3).getSubchannel()).isNotNull();
  }

  @Test
  void anEmptyBudgetRefusesTheRetry() {
    CallAttempts attempts = attempts(new RetryBudget(0, 0));
    CallOptions options = CallOptions.DEFAULT.withOption(CallAttempts.KEY, attempts);
    Failover.pick(args(options, 0), stubborn, 3);

    PickResult retry = Failover.pick(args(options, 1), stubborn, 3);

    assertThat(retry).isSameAs(Failover.REFUSED);
    assertThat(retry.isDrop()).isTrue();
    // Asking again for the same attempt gives the same answer and withdraws nothing more.
    assertThat(Failover.pick(args(options, 1), stubborn, 3)).isSameAs(Failover.REFUSED);
  }

  @Test
  void aRetryThatCannotFinishBeforeTheDeadlineIsRefused() {
    AtomicInteger ticks = new AtomicInteger();
    Deadline.Ticker ticker = new Deadline.Ticker() {
      @Override
      public long nanoTime() {
        return now.get() + ticks.get();
      }
    };
    CallAttempts attempts = attempts(RetryBudget.DEFAULT);
    CallOptions options = CallOptions.DEFAULT.withOption(CallAttempts.KEY, attempts)
        .withDeadline(Deadline.after(150, TimeUnit.MILLISECONDS, ticker));
    Failover.pick(args(options, 0), stubborn, 3);

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // the first attempt took 100 ms; 50 left

    assertThat(Failover.pick(args(options, 1), stubborn, 3)).isSameAs(Failover.REFUSED);
  }
}
