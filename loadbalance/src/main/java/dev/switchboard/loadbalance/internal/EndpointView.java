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
 * @param usable whether calls may go to it: READY and not ejected by failure accrual
 */
public record EndpointView(Subchannel subchannel, Attributes attributes, String name,
    EndpointLoad load, ConnectivityState state, boolean usable) {

  /** Returns whether the subchannel is READY (ejected or not). */
  public boolean ready() {
    return state == ConnectivityState.READY;
  }

  /** Returns whether the subchannel is on its way up: connecting, or idle before any failure. */
  public boolean connecting() {
    return state == ConnectivityState.CONNECTING || state == ConnectivityState.IDLE;
  }
}
