package dev.switchboard.jmh.sim;

import java.util.SplittableRandom;

/**
 * A model of grpc-java's {@code least_request_experimental} algorithm, not grpc-java's code
 * (as described in {@code balancers-and-performance.md} §1.3, from
 * {@code LeastRequestLoadBalancer.ReadyPicker.nextChildToUse}): a random candidate, then
 * {@code choiceCount - 1} more uniform samples drawn <em>with replacement</em>, each replacing the
 * candidate only if its count of outstanding requests is strictly smaller (ties keep the earlier
 * one). Outstanding requests are counted from the stream's creation to its close, i.e. from
 * sending to the response here. Weights play no part.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class GrpcLeastRequestModel implements BalancerStrategy {
  /** gRPC's default (and minimum) choice count. */
  public static final int DEFAULT_CHOICE_COUNT = 2;

  private final int[] inFlight;
  private final int choiceCount;
  private final SplittableRandom random;

  /** Creates the model over {@code backends} backends with {@code choiceCount} samples per pick. */
  public GrpcLeastRequestModel(int backends, int choiceCount, SplittableRandom random) {
    this.inFlight = new int[backends];
    this.choiceCount = choiceCount;
    this.random = random;
  }

  @Override
  public int pick() {
    int candidate = random.nextInt(inFlight.length);
    for (int i = 0; i < choiceCount - 1; i++) {
      int sampled = random.nextInt(inFlight.length);
      if (inFlight[sampled] < inFlight[candidate]) {
        candidate = sampled;
      }
    }
    return candidate;
  }

  @Override
  public long sent(int backend) {
    inFlight[backend]++;
    return 0;
  }

  @Override
  public void completed(int backend, long token) {
    inFlight[backend]--;
  }
}
