package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.FailureAccrual;
import dev.switchboard.loadbalance.select.EndpointHealth;
import dev.switchboard.loadbalance.select.EndpointLoad;
import dev.switchboard.loadbalance.select.Rotation;
import dev.switchboard.loadbalance.select.ZonePreference;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * What every Switchboard balancer does around its choice, as the real
 * {@code EndpointListLoadBalancer} does it, on the real classes: one {@link EndpointLoad} (with its
 * {@link EndpointHealth}) per backend, fed by every request's outcome; failure accrual with its
 * default settings, the panic threshold by {@link Rotation}, one probe at a time; a tick every
 * 250 ms of virtual time that ends backoffs, fades failure scores and (peak EWMA) forgets stale
 * round trips. Subclasses choose among the backends in rotation.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
abstract class AccruingStrategy implements BalancerStrategy {
  private static final FailureAccrual ACCRUAL = FailureAccrual.DEFAULTS;

  protected final EndpointLoad[] loads;
  protected final int[] weights;
  private final EndpointHealth[] healths;
  private final LongSupplier clock;
  private final boolean forgetsStale;
  private int[] roles;
  private int[] zoneOf; // null: zones ignored
  private int localZone;
  private double minHealthyShare;
  private boolean changed = true;
  private long nextTick;

  AccruingStrategy(int[] weights, LongSupplier clock, SplittableRandom random,
      boolean forgetsStale) {
    this.weights = weights.clone();
    this.clock = clock;
    this.forgetsStale = forgetsStale;
    this.loads = new EndpointLoad[weights.length];
    this.healths = new EndpointHealth[weights.length];
    SplittableRandom jitter = random.split();
    for (int i = 0; i < weights.length; i++) {
      healths[i] = new EndpointHealth(ACCRUAL.rule(), clock, () -> 0.8 + 0.4 * jitter.nextDouble(),
          EndpointHealth.SCORE_DECAY_NANOS);
      loads[i] = new EndpointLoad(clock, SwitchboardTwoChoices.DECAY_NANOS, healths[i]);
    }
  }

  /**
   * Applies zone-aware routing, as the real balancer does after its rotation: calls stay among
   * the backends of {@code localZone} in rotation while {@link ZonePreference} says so.
   *
   * @param zones the zone of each backend
   */
  AccruingStrategy preferZone(int[] zones, int localZone, double minHealthyShare) {
    this.zoneOf = zones.clone();
    this.localZone = localZone;
    this.minHealthyShare = minHealthyShare;
    this.changed = true;
    return this;
  }

  private void routeByZone(boolean[] in) {
    long registered = 0;
    long usable = 0;
    for (int i = 0; i < in.length; i++) {
      if (zoneOf[i] == localZone) {
        registered += weights[i];
        usable += in[i] ? weights[i] : 0;
      }
    }
    if (ZonePreference.stayInZone(usable, registered, minHealthyShare)) {
      for (int i = 0; i < in.length; i++) {
        in[i] &= zoneOf[i] == localZone;
      }
    }
  }

  /** Rebuilds the choice over the backends {@code inRotation} (never all false). */
  abstract void rebuild(boolean[] inRotation);

  /** Chooses a backend in rotation. */
  abstract int choose();

  @Override
  public final int pick() {
    long now = clock.getAsLong();
    if (now >= nextTick) {
      nextTick = now + EndpointHealth.TICK_NANOS;
      for (int i = 0; i < loads.length; i++) {
        changed |= healths[i].tick();
        if (forgetsStale) {
          loads[i].forgetIfStale(now, EndpointLoad.STALE_AFTER_NANOS);
        }
      }
    }
    if (changed) {
      changed = false;
      roles = Rotation.decide(healths, ACCRUAL.enabled(), ACCRUAL.maxEjectedPercent()).roles();
      boolean[] in = new boolean[roles.length];
      for (int i = 0; i < roles.length; i++) {
        in[i] = roles[i] == Rotation.IN;
      }
      if (zoneOf != null) {
        routeByZone(in);
      }
      rebuild(in);
    }
    for (int i = 0; i < roles.length; i++) {
      if (roles[i] == Rotation.PROBE && healths[i].tryProbe()) {
        return i;
      }
    }
    return choose();
  }

  @Override
  public long sent(int backend) {
    return loads[backend].started();
  }

  @Override
  public void completed(int backend, long token) {
    completed(backend, token, false);
  }

  @Override
  public void completed(int backend, long token, boolean failed) {
    loads[backend].finished(token, failed);
    EndpointHealth.Change change = failed ? healths[backend].failed()
        : healths[backend].succeeded();
    changed |= change != EndpointHealth.Change.NONE;
  }
}
