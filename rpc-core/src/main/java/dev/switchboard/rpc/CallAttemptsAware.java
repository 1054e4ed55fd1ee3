package dev.switchboard.rpc;

/**
 * Marks a {@code LoadBalancerProvider} whose pickers honour {@link CallAttempts}: they admit
 * each retry or hedge through the call's retry budget and the deadline, and send it to an
 * instance the call has not tried. Every Switchboard balancer is one. A reference with a retry or
 * hedging policy needs such a balancer; with any other policy (gRPC's {@code round_robin}, say)
 * the retries would have neither budget nor failover, so the reference is rejected when its stub
 * is created.
 */
public interface CallAttemptsAware {}
