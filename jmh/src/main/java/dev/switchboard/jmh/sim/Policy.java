package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.Balancers;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A balancer the simulator compares: its key (for JSON and the command line), its label, whether
 * it is one of Switchboard's policies in its default configuration, and how to create a fresh
 * strategy for one run.
 *
 * <p>Immutable; the strategies it creates are not thread-safe (one per simulation run).
 *
 * @param key short stable name, e.g. {@code sb-peak-ewma}
 * @param label the policy name as a user would configure it
 * @param switchboardDefault whether this is a Switchboard policy with its default configuration
 * @param factory creates the strategy for a run
 */
public record Policy(String key, String label, boolean switchboardDefault, Factory factory) {

  /** Creates a strategy for one run. */
  @FunctionalInterface
  public interface Factory {
    /**
     * Returns a strategy over backends of {@code weights}, reading virtual time (nanoseconds) from
     * {@code nanoClock} and drawing its random choices from {@code random}.
     */
    BalancerStrategy create(int[] weights, LongSupplier nanoClock, SplittableRandom random);
  }

  /** The load factor of the bounded-load variant of consistent hashing (its documented default). */
  public static final double BOUNDED_LOAD_FACTOR = 1.25;

  /** Returns every balancer compared, Switchboard's first, then the models of gRPC's. */
  public static List<Policy> all() {
    return List.of(
        new Policy("sb-wrr", Balancers.WEIGHTED_ROUND_ROBIN, true,
            (weights, clock, random) -> new SwitchboardRoundRobin(weights, clock, random)),
        new Policy("sb-random", Balancers.WEIGHTED_RANDOM, true,
            (weights, clock, random) -> new SwitchboardRandom(weights, clock, random)),
        new Policy("sb-hash", Balancers.CONSISTENT_HASH, true,
            (weights, clock, random) -> new SwitchboardConsistentHash(weights, 0, clock, random)),
        new Policy("sb-hash-bounded", Balancers.CONSISTENT_HASH + " (loadFactor 1.25)", false,
            (weights, clock, random) -> new SwitchboardConsistentHash(weights, BOUNDED_LOAD_FACTOR,
                clock, random)),
        new Policy("sb-least-request", Balancers.LEAST_REQUEST, true,
            (weights, clock, random) -> new SwitchboardTwoChoices(weights, false, clock, random)),
        new Policy("sb-peak-ewma", Balancers.PEAK_EWMA, true,
            (weights, clock, random) -> new SwitchboardTwoChoices(weights, true, clock, random)),
        new Policy("grpc-round-robin", "gRPC round_robin (model)", false,
            (weights, clock, random) -> new GrpcRoundRobinModel(weights.length, random)),
        new Policy("grpc-least-request", "gRPC least_request_experimental, choiceCount 2 (model)",
            false, (weights, clock, random) -> new GrpcLeastRequestModel(weights.length,
                GrpcLeastRequestModel.DEFAULT_CHOICE_COUNT, random)));
  }
}
