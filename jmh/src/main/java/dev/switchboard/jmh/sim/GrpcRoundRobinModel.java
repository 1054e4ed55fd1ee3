package dev.switchboard.jmh.sim;

import java.util.SplittableRandom;

/**
 * A model of grpc-java's {@code round_robin} algorithm, not grpc-java's code: one shared sequence
 * number, started at a random value, and backend {@code (sequence++ & Integer.MAX_VALUE) % n}
 * per pick (as described in {@code balancers-and-performance.md} §1.1, from
 * {@code RoundRobinLoadBalancer.ReadyPicker}). Every backend is READY throughout the simulation,
 * so the child {@code pick_first} policies play no part.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class GrpcRoundRobinModel implements BalancerStrategy {
  private final int backends;
  private int sequence;

  /** Creates the model over {@code backends} backends, its sequence started from {@code random}. */
  public GrpcRoundRobinModel(int backends, SplittableRandom random) {
    this.backends = backends;
    this.sequence = random.nextInt();
  }

  @Override
  public int pick() {
    int i = sequence++ & Integer.MAX_VALUE;
    return i % backends;
  }

  @Override
  public long sent(int backend) {
    return 0;
  }

  @Override
  public void completed(int backend, long token) {}
}
