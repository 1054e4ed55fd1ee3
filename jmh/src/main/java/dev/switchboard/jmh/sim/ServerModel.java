package dev.switchboard.jmh.sim;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How the simulated backends serve requests and how requests arrive. Backend #0 is the slow one
 * in the slow cluster: its service times are {@code slowdown} times longer; in the healthy
 * cluster all backends are equal. Both clusters get the same arrival rate.
 *
 * <p>Each request draws one "size" (a unit service time, median or mean 1); the backend it lands
 * on scales it by its speed. So every balancer sees the same arrivals and the same sizes, and
 * differences between balancers are not sampling noise (common random numbers).
 *
 * <p>Immutable and thread-safe.
 *
 * @param key short name for JSON and headings
 * @param title one-line description
 * @param backends number of backends
 * @param workers requests each backend serves at once, FIFO queue behind them; 0 = no limit (no
 *     queueing: latency is the service time)
 * @param serviceMillis the median (lognormal) or mean (exponential) service time of a healthy
 *     backend
 * @param lognormalSigma the lognormal σ of service times, or 0 for exponential service times
 * @param slowdown how many times slower the slow backend is
 * @param arrivalsPerSecond the Poisson arrival rate
 */
public record ServerModel(String key, String title, int backends, int workers,
    double serviceMillis, double lognormalSigma, double slowdown, double arrivalsPerSecond) {

  /** The index of the slow backend in the slow cluster. */
  public static final int SLOW_BACKEND = 0;

  /**
   * Model A, latency only: no contention, each request's latency is its service time, lognormal
   * with median 10 ms and σ 0.25, 10 × on the slow backend; 2,000 requests/s.
   */
  public static ServerModel latencyOnly() {
    return new ServerModel("latency-only", "latency only (no queueing)", 10, 0, 10, 0.25, 10,
        2_000);
  }

  /**
   * Model B, queueing: each backend a FIFO server with 4 workers and exponential service times of
   * mean 4 ms (1,000 requests/s per backend), 40 ms on the slow backend (100 requests/s); Poisson
   * arrivals at {@code load} of the slow cluster's capacity (9,100 requests/s).
   */
  public static ServerModel queueing(double load) {
    ServerModel idle = new ServerModel("queueing", "queueing (FIFO servers)", 10, 4, 4, 0, 10, 0);
    return idle.withArrivals(load * idle.capacityPerSecond(true));
  }

  /** Returns this model with another arrival rate. */
  public ServerModel withArrivals(double perSecond) {
    return new ServerModel(key, title, backends, workers, serviceMillis, lognormalSigma, slowdown,
        perSecond);
  }

  /** Returns whether backends queue requests (a finite number of workers). */
  public boolean queues() {
    return workers > 0;
  }

  /** Returns how many times slower backend {@code backend} is in the given cluster. */
  public double slowdown(int backend, boolean slowCluster) {
    return slowCluster && backend == SLOW_BACKEND ? slowdown : 1;
  }

  /** Returns the requests per second the cluster can serve, or infinity without queueing. */
  public double capacityPerSecond(boolean slowCluster) {
    if (!queues()) {
      return Double.POSITIVE_INFINITY;
    }
    double total = 0;
    for (int backend = 0; backend < backends; backend++) {
      total += workers * 1000.0 / (serviceMillis * slowdown(backend, slowCluster));
    }
    return total;
  }

  /** Returns the offered load: arrivals over the cluster's capacity (NaN without queueing). */
  public double offeredLoad(boolean slowCluster) {
    return queues() ? arrivalsPerSecond / capacityPerSecond(slowCluster) : Double.NaN;
  }

  /** Draws a request size: a service time in units of {@link #serviceMillis}. */
  public double drawSize(SplittableRandom random) {
    return lognormalSigma > 0
        ? StrictMath.exp(lognormalSigma * random.nextGaussian())
        : random.nextExponential();
  }

  /** Returns the service time in nanoseconds of a request of {@code size} on {@code backend}. */
  public long serviceNanos(double size, int backend, boolean slowCluster) {
    return Math.max(1, Math.round(size * serviceMillis * 1e6 * slowdown(backend, slowCluster)));
  }

  /** Returns a human-readable description of the parameters. */
  public String describe() {
    String service = lognormalSigma > 0
        ? format("lognormal service time, median %s ms, σ %s", num(serviceMillis),
            num(lognormalSigma))
        : format("exponential service time, mean %s ms", num(serviceMillis));
    String servers = queues()
        ? format("each backend a FIFO queue with %d workers (%,.0f requests/s per healthy backend)",
            workers, workers * 1000.0 / serviceMillis)
        : "no contention (latency = service time, any number in flight)";
    String load = queues()
        ? format(", i.e. %.0f %% of the slow cluster's capacity (%,.0f/s) and %.0f %% of the"
            + " healthy cluster's (%,.0f/s)", 100 * offeredLoad(true), capacityPerSecond(true),
            100 * offeredLoad(false), capacityPerSecond(false))
        : "";
    return format("%d backends; %s; %s; backend #0 %s× slower in the slow cluster; Poisson"
        + " arrivals at %,.0f requests/s%s.", backends, servers, service, num(slowdown),
        arrivalsPerSecond, load);
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static String num(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
