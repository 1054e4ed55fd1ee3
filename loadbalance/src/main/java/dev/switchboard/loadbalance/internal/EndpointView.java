package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.EndpointLoad;
import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.LoadBalancer.Subchannel;

/**
 * An endpoint as a picker sees it when it is built.
 *
 * @param subchannel the connection to pick
 * @param attributes the registry's attributes (weight, zone, start time...), as last resolved
 * @param name a stable name: the address, which outlives process restarts
 * @param load the endpoint's live load and health, kept across pickers
 * @param state the subchannel's state (a failed endpoint stays TRANSIENT_FAILURE until READY)
 * @param usable whether calls may go to it: READY, not ejected by failure accrual, and in the
 *     zone calls are routed to
 * @param outOfZone whether zone-aware routing keeps calls away from it (it is in another zone
 *     than the caller's, and the caller's zone is healthy enough)
 */
public record EndpointView(Subchannel subchannel, Attributes attributes, String name,
    EndpointLoad load, ConnectivityState state, boolean usable, boolean outOfZone) {

  /** Returns this endpoint as zone-aware routing leaves it out: not usable, out of zone. */
  EndpointView leftOutOfZone() {
    return new EndpointView(subchannel, attributes, name, load, state, false, true);
  }

  /** Returns whether the subchannel is READY (ejected or not). */
  public boolean ready() {
    return state == ConnectivityState.READY;
  }

  /** Returns whether the subchannel is on its way up: connecting, or idle before any failure. */
  public boolean connecting() {
    return state == ConnectivityState.CONNECTING || state == ConnectivityState.IDLE;
  }
}
