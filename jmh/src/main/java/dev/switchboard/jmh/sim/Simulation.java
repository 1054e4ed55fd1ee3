package dev.switchboard.jmh.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One discrete-event simulation run in virtual time: Poisson arrivals, a pick by the balancer per
 * request, service by the chosen {@link Backend}, and the response reported back to the balancer
 * when the request completes. Time is a {@code long} of virtual nanoseconds and moves only from
 * event to event, so a run takes no longer than its events take to process, and nothing depends
 * on the machine's speed or load.
 *
 * <p>Reproducible: the arrivals, the request sizes and the balancer's choices each come from
 * their own {@link SplittableRandom} split from {@code seed} in a fixed order, so every balancer
 * sees exactly the same workload and the same seed gives the same result. Events at the same
 * instant are ordered: completions before arrivals, completions in the order they were
 * scheduled.
 *
 * <p>Not thread-safe; one instance per run, used by one thread.
 */
public final class Simulation {
  /** Every backend has the same registry weight (the default, 100). */
  static final int WEIGHT = 100;

  private final ServerModel model;
  private final boolean slowCluster;
  private final int requests;
  private final Backend[] backends;
  private final BalancerStrategy strategy;
  private final EventQueue completions = new EventQueue();
  private final LatencyRecorder latencies;
  private final long[] arrivalNanos;
  private final long[] serviceNanos;
  private final long[] tokens;
  private final int[] backendOf;
  private final long[] sent;
  private final double[] demandNanos;
  private final int middleFrom;
  private final int middleTo;
  private final int lastFrom;
  private long now;
  private int waiting;
  private double waitingMiddleSum;
  private double waitingEndSum;

  private Simulation(ServerModel model, boolean slowCluster, Policy policy, int requests,
      SplittableRandom balancerRandom) {
    this.model = model;
    this.slowCluster = slowCluster;
    this.requests = requests;
    this.backends = new Backend[model.backends()];
    for (int i = 0; i < backends.length; i++) {
      backends[i] = new Backend(model.workers());
    }
    int[] weights = new int[model.backends()];
    Arrays.fill(weights, WEIGHT);
    this.strategy = policy.factory().create(weights, () -> now, balancerRandom);
    this.latencies = new LatencyRecorder(requests);
    this.arrivalNanos = new long[requests];
    this.serviceNanos = new long[requests];
    this.tokens = new long[requests];
    this.backendOf = new int[requests];
    this.sent = new long[backends.length];
    this.demandNanos = new double[backends.length];
    this.middleFrom = (int) (requests * 45L / 100);
    this.middleTo = (int) (requests * 55L / 100);
    this.lastFrom = (int) (requests * 9L / 10);
  }

  /**
   * Runs {@code requests} requests through {@code policy} on {@code model}'s cluster (with a slow
   * backend #0 if {@code slowCluster}), every random draw derived from {@code seed}; returns the
   * result once every request has completed.
   */
  public static RunResult run(ServerModel model, boolean slowCluster, Policy policy,
      int requests, long seed) {
    if (requests < 10) {
      throw new IllegalArgumentException("at least 10 requests are needed, not " + requests);
    }
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom arrivals = root.split();
    SplittableRandom sizes = root.split();
    SplittableRandom choices = root.split();
    Simulation simulation = new Simulation(model, slowCluster, policy, requests, choices);
    simulation.simulate(arrivals, sizes);
    return simulation.result(policy);
  }

  private void simulate(SplittableRandom arrivals, SplittableRandom sizes) {
    OpenLoop.run(requests, model.arrivalsPerSecond(), arrivals, completions,
        nanos -> now = nanos, request -> arrive(request, model.drawSize(sizes)), this::complete);
  }

  private void arrive(int request, double size) {
    if (request >= lastFrom) {
      waitingEndSum += waiting;
    } else if (request >= middleFrom && request < middleTo) {
      waitingMiddleSum += waiting;
    }
    int backend = strategy.pick();
    long service = model.serviceNanos(size, backend, slowCluster);
    arrivalNanos[request] = now;
    serviceNanos[request] = service;
    backendOf[request] = backend;
    sent[backend]++;
    demandNanos[backend] += service;
    tokens[request] = strategy.sent(backend);
    if (backends[backend].arrive(request)) {
      completions.add(now + service, request);
    } else {
      waiting++;
    }
  }

  private void complete(int request) {
    int backend = backendOf[request];
    latencies.record(now - arrivalNanos[request]);
    strategy.completed(backend, tokens[request]);
    int started = backends[backend].finish();
    if (started >= 0) {
      waiting--;
      completions.add(now + serviceNanos[started], started);
    }
  }

  private RunResult result(Policy policy) {
    double maxDemand = Double.NaN;
    double waitingMiddle = Double.NaN;
    double waitingEnd = Double.NaN;
    int maxQueue = -1;
    if (model.queues()) {
      double window = Math.max(1, arrivalNanos[requests - 1] - arrivalNanos[0]);
      maxDemand = 0;
      maxQueue = 0;
      for (int i = 0; i < backends.length; i++) {
        maxDemand = Math.max(maxDemand, demandNanos[i] / (model.workers() * window));
        maxQueue = Math.max(maxQueue, backends[i].maxWaiting());
      }
      waitingMiddle = waitingMiddleSum / (middleTo - middleFrom);
      waitingEnd = waitingEndSum / (requests - lastFrom);
    }
    return new RunResult(model.key(), slowCluster, policy, requests, now / 1e9,
        latencies.percentileMillis(0.50), latencies.percentileMillis(0.99),
        latencies.percentileMillis(0.999), (double) sent[ServerModel.SLOW_BACKEND] / requests,
        maxDemand, waitingMiddle, waitingEnd, maxQueue);
  }
}
