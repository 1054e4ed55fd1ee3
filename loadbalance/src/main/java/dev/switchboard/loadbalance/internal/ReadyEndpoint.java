package dev.switchboard.loadbalance.internal;

import io.grpc.Attributes;
import io.grpc.LoadBalancer.Subchannel;

/**
 * A READY endpoint handed to a picker: its subchannel and the registry's attributes.
 *
 * @param subchannel the connection to pick
 * @param attributes the endpoint's attributes (weight, zone, ...), as last resolved
 */
public record ReadyEndpoint(Subchannel subchannel, Attributes attributes) {}
