package dev.switchboard.loadbalance.select;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which endpoints take calls under failure accrual, the panic threshold applied: every healthy
 * endpoint is {@link #IN} rotation; an ejected one is {@link #OUT}, a probing one
 * {@link #PROBE} (out, but one probe call at a time may go to it); and never more than
 * {@code maxEjectedPercent} of the endpoints are out: past that (panic, Envoy's term) the failing
 * endpoints that are about to be probed, then those whose backoff ends first, are put back in.
 *
 * <p>Stateless and thread-safe. The balancers and the tail simulator decide with it alike.
 */
public final class Rotation {
  /** Takes calls. */
  public static final int IN = 0;
  /** Out, but takes one probe call at a time. */
  public static final int PROBE = 1;
  /** Takes no call. */
  public static final int OUT = 2;

  private Rotation() {}

  /**
   * The decision for a set of endpoints.
   *
   * @param roles each endpoint's role, in the order given
   * @param failing how many endpoints are not healthy
   * @param panic whether some failing endpoints were kept in because too many are failing
   */
  public record Decision(int[] roles, int failing, boolean panic) {}

  /**
   * Decides the roles of the READY endpoints whose health is {@code healths}; with accrual off
   * ({@code enabled} false) every endpoint is in.
   */
  public static Decision decide(EndpointHealth[] healths, boolean enabled,
      int maxEjectedPercent) {
    int[] roles = new int[healths.length];
    if (!enabled) {
      return new Decision(roles, 0, false);
    }
    // One read of each endpoint's state: transport threads change it while this runs, and a
    // sort over values that change under it can fail.
    int[] states = new int[healths.length];
    long[] ends = new long[healths.length];
    List<Integer> failing = new ArrayList<>();
    for (int i = 0; i < healths.length; i++) {
      states[i] = healths[i].state();
      ends[i] = healths[i].ejectedUntilNanos();
      if (states[i] != EndpointHealth.HEALTHY) {
        failing.add(i);
      }
    }
    int maxOut = healths.length * maxEjectedPercent / 100;
    boolean panic = failing.size() > maxOut;
    int keep = 0;
    if (panic) {
      failing.sort(Comparator.comparingInt((Integer i) ->
              states[i] == EndpointHealth.PROBING ? 0 : 1)
          .thenComparingLong(i -> ends[i]));
      keep = failing.size() - maxOut;
    }
    for (int k = 0; k < failing.size(); k++) {
      int i = failing.get(k);
      roles[i] = k < keep ? IN : states[i] == EndpointHealth.PROBING ? PROBE : OUT;
    }
    return new Decision(roles, failing.size(), panic);
  }
}
