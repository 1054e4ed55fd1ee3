package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.EndpointLoad;
import io.grpc.Attributes;
import io.grpc.LoadBalancer.Subchannel;

/**
 * An endpoint as a picker sees it when it is built.
 *
 * @param subchannel the connection to pick
 * @param attributes the registry's attributes (weight, zone, start time...), as last resolved
 * @param name a stable name: the address, which outlives process restarts
 * @param load the endpoint's live load, kept across pickers
 * @param ready whether the subchannel is READY
 */
public record EndpointView(Subchannel subchannel, Attributes attributes, String name,
    EndpointLoad load, boolean ready) {}
