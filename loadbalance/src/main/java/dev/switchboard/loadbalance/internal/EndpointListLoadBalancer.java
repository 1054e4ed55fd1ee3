package dev.switchboard.loadbalance.internal;

import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part every Switchboard balancer shares: one subchannel per resolved endpoint, kept across
 * resolutions (an endpoint whose attributes change keeps its connection), reconnected when idle,
 * and an aggregate state published with a picker over the READY endpoints. Subclasses only say how
 * to pick among READY endpoints, in {@link #readyPicker(List)}.
 *
 * <p>State aggregation follows gRPC's round_robin: READY if any endpoint is READY; else
 * CONNECTING while any endpoint is connecting or idle; else TRANSIENT_FAILURE with a status that
 * names the service. Resolution errors are ignored while an endpoint is READY.
 *
 * <p>Not thread-safe: gRPC calls it from the channel's synchronization context only.
 */
public abstract class EndpointListLoadBalancer extends LoadBalancer {
  private final Helper helper;
  private final Map<EquivalentAddressGroup, Endpoint> endpoints = new LinkedHashMap<>();
  private ConnectivityState currentState;
  private List<ReadyEndpoint> currentReady = List.of();
  private Status lastError = Status.OK;

  protected EndpointListLoadBalancer(Helper helper) {
    this.helper = helper;
  }

  /** Returns a picker over {@code ready}, which is never empty. Called off the call path. */
  protected abstract SubchannelPicker readyPicker(List<ReadyEndpoint> ready);

  /** Returns the service (channel authority) for error messages. */
  protected final String service() {
    return helper.getAuthority();
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
    List<EquivalentAddressGroup> groups = resolved.getAddresses();
    if (groups.isEmpty()) {
      Status status = Status.UNAVAILABLE.withDescription(
          "no instance of service " + service() + " is registered");
      shutdownAll();
      currentState = ConnectivityState.TRANSIENT_FAILURE;
      currentReady = List.of();
      helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE, new ErrorPicker(status));
      return status;
    }
    Map<EquivalentAddressGroup, Endpoint> retained = new HashMap<>();
    for (EquivalentAddressGroup group : groups) {
      EquivalentAddressGroup key = new EquivalentAddressGroup(group.getAddresses());
      Endpoint endpoint = endpoints.remove(key);
      if (endpoint == null) {
        endpoint = createEndpoint(group);
      } else if (!endpoint.attributes.equals(group.getAttributes())) {
        endpoint.attributes = group.getAttributes();
        endpoint.subchannel.updateAddresses(List.of(group));
      }
      retained.put(key, endpoint);
    }
    shutdownAll();
    for (EquivalentAddressGroup group : groups) {
      EquivalentAddressGroup key = new EquivalentAddressGroup(group.getAddresses());
      endpoints.putIfAbsent(key, retained.get(key));
    }
    updateBalancingState();
    return Status.OK;
  }

  private Endpoint createEndpoint(EquivalentAddressGroup group) {
    Subchannel subchannel = helper.createSubchannel(CreateSubchannelArgs.newBuilder()
        .setAddresses(group)
        .setAttributes(group.getAttributes())
        .build());
    Endpoint endpoint = new Endpoint(subchannel, group.getAttributes());
    subchannel.start(state -> onSubchannelState(endpoint, state));
    subchannel.requestConnection();
    return endpoint;
  }

  private void onSubchannelState(Endpoint endpoint, ConnectivityStateInfo info) {
    if (endpoint.shutdown) {
      return;
    }
    if (info.getState() == ConnectivityState.IDLE) {
      endpoint.subchannel.requestConnection();
    }
    if (info.getState() == ConnectivityState.TRANSIENT_FAILURE) {
      lastError = info.getStatus();
    }
    // Stay in TRANSIENT_FAILURE until READY, as gRPC's balancers do, so reconnect attempts do not
    // flip the aggregate state back to CONNECTING and make calls wait instead of failing fast.
    if (endpoint.state == ConnectivityState.TRANSIENT_FAILURE
        && (info.getState() == ConnectivityState.CONNECTING
            || info.getState() == ConnectivityState.IDLE)) {
      return;
    }
    endpoint.state = info.getState();
    updateBalancingState();
  }

  @Override
  public void handleNameResolutionError(Status error) {
    if (currentState == ConnectivityState.READY) {
      return;
    }
    lastError = error;
    if (endpoints.isEmpty() || currentState != ConnectivityState.CONNECTING) {
      currentState = ConnectivityState.TRANSIENT_FAILURE;
      helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE, new ErrorPicker(
          Status.UNAVAILABLE.withDescription("cannot resolve instances of service " + service()
              + ": " + error.getDescription()).withCause(error.getCause())));
    }
  }

  private void updateBalancingState() {
    List<ReadyEndpoint> ready = new ArrayList<>();
    boolean connecting = false;
    for (Endpoint endpoint : endpoints.values()) {
      if (endpoint.state == ConnectivityState.READY) {
        ready.add(new ReadyEndpoint(endpoint.subchannel, endpoint.attributes));
      } else if (endpoint.state != ConnectivityState.TRANSIENT_FAILURE) {
        connecting = true;
      }
    }
    if (!ready.isEmpty()) {
      if (currentState == ConnectivityState.READY && ready.equals(currentReady)) {
        return;
      }
      currentState = ConnectivityState.READY;
      currentReady = List.copyOf(ready);
      helper.updateBalancingState(ConnectivityState.READY, readyPicker(currentReady));
      return;
    }
    currentReady = List.of();
    if (connecting) {
      if (currentState != ConnectivityState.CONNECTING) {
        currentState = ConnectivityState.CONNECTING;
        helper.updateBalancingState(ConnectivityState.CONNECTING,
            new FixedResultPicker(PickResult.withNoResult()));
      }
      return;
    }
    currentState = ConnectivityState.TRANSIENT_FAILURE;
    helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE, new ErrorPicker(
        Status.UNAVAILABLE.withDescription("no instance of service " + service()
            + " is reachable (" + endpoints.size() + " registered); last error: "
            + lastError.getCode() + " " + lastError.getDescription())
            .withCause(lastError.getCause())));
  }

  private void shutdownAll() {
    for (Endpoint endpoint : endpoints.values()) {
      endpoint.shutdown = true;
      endpoint.subchannel.shutdown();
    }
    endpoints.clear();
  }

  @Override
  public void shutdown() {
    shutdownAll();
  }

  private static final class Endpoint {
    final Subchannel subchannel;
    Attributes attributes;
    ConnectivityState state = ConnectivityState.IDLE;
    boolean shutdown;

    Endpoint(Subchannel subchannel, Attributes attributes) {
      this.subchannel = subchannel;
      this.attributes = attributes;
    }
  }

  /** A picker that fails every call with one status. */
  private static final class ErrorPicker extends SubchannelPicker {
    private final PickResult result;

    ErrorPicker(Status status) {
      this.result = PickResult.withError(status);
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      return result;
    }

    @Override
    public String toString() {
      return "ErrorPicker{" + result + "}";
    }
  }
}
