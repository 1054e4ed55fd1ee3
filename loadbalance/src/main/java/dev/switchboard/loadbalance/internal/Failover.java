package dev.switchboard.loadbalance.internal;

import dev.switchboard.rpc.CallAttempts;
import dev.switchboard.rpc.Explanation;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.Status;

/**
 * What every Switchboard picker does for calls that carry {@link CallAttempts}: a retry or hedge
 * (an attempt after the first) must be admitted by the retry budget and the deadline, and goes to
 * an endpoint the call has not tried when there is one; every attempt's endpoint is recorded. A
 * call that carries an {@link Explanation} is picked the same way by an {@link Explained} chooser,
 * which then writes down what decided the pick.
 */
final class Failover {
  /** The answer to an attempt the budget or the deadline does not admit: fail, do not retry. */
  static final PickResult REFUSED = PickResult.withDrop(Status.UNAVAILABLE.withDescription(
      "not retrying: the channel's retry budget is spent or the deadline is too close"));

  /** Makes one choice; pickers implement it so that failover allocates nothing. */
  interface Chooser {
    /** Returns the picker's next choice. */
    PickResult choose();

    /** Returns candidate {@code index} (0 to the candidate count), for a last systematic look. */
    PickResult candidate(int index);

    /**
     * Returns a chooser for one explained pick: it chooses exactly as this one does and can then
     * describe its last choice. Called only for explained calls; may allocate. By default one
     * that describes nothing.
     */
    default Explained explained() {
      Chooser self = this;
      return new Explained() {
        @Override
        public PickResult choose() {
          return self.choose();
        }

        @Override
        public PickResult candidate(int index) {
          return self.candidate(index);
        }

        @Override
        public void describe(Explanation.Attempt attempt) {}
      };
    }
  }

  /** A chooser for one explained pick. Not thread-safe: one per pick. */
  interface Explained extends Chooser {
    /** Writes the last choice (its endpoint and what decided it) to {@code attempt}. */
    void describe(Explanation.Attempt attempt);
  }

  private Failover() {}

  /**
   * Picks with {@code chooser}; for a retry, up to {@code 2 × candidates} choices and then every
   * candidate in turn are tried for an endpoint the call has not used.
   */
  static PickResult pick(PickSubchannelArgs args, Chooser chooser, int candidates) {
    Explanation explanation = args.getCallOptions().getOption(Explanation.KEY);
    if (explanation != null) {
      return explained(args, chooser.explained(), candidates, explanation);
    }
    return pickWith(args, chooser, candidates);
  }

  private static PickResult explained(PickSubchannelArgs args, Explained chooser, int candidates,
      Explanation explanation) {
    Explanation.Attempt attempt = explanation.pick(args.getHeaders());
    PickResult result = pickWith(args, chooser, candidates);
    if (result == REFUSED) {
      attempt.fact("refused", ExplainFacts.REFUSED);
      return result;
    }
    chooser.describe(attempt);
    CallAttempts attempts = args.getCallOptions().getOption(CallAttempts.KEY);
    int previous = CallAttempts.previousAttempts(args.getHeaders());
    if (attempts != null && previous > 0) {
      attempt.fact("failover", attempts.tried(result.getSubchannel(), previous)
          ? "every_instance_tried" : "untried_instance");
    }
    return result;
  }

  private static PickResult pickWith(PickSubchannelArgs args, Chooser chooser, int candidates) {
    CallAttempts attempts = args.getCallOptions().getOption(CallAttempts.KEY);
    if (attempts == null) {
      return chooser.choose();
    }
    int previous = CallAttempts.previousAttempts(args.getHeaders());
    if (previous > 0 && !attempts.admit(previous, args.getCallOptions().getDeadline())) {
      return REFUSED;
    }
    PickResult result = chooser.choose();
    if (previous > 0) {
      for (int i = 1; i < 2 * candidates && attempts.tried(result.getSubchannel(), previous);
          i++) {
        result = chooser.choose();
      }
      // Random choosers can keep landing on tried endpoints: look at every one before giving up.
      for (int i = 0; i < candidates && attempts.tried(result.getSubchannel(), previous); i++) {
        result = chooser.candidate(i);
      }
    }
    attempts.record(previous, result.getSubchannel());
    return result;
  }
}
