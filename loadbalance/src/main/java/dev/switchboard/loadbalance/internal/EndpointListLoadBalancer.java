package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.EndpointLoad;
import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The part every Switchboard balancer shares: one subchannel per resolved endpoint, kept across
 * resolutions (an endpoint whose attributes change keeps its connection and its load record),
 * reconnected when idle, and an aggregate state published with a picker. Subclasses only say how
 * to pick, in {@link #picker(List, List)}, which runs here in the synchronization context, never on
 * the call path.
 *
 * <p>State aggregation follows gRPC's round_robin: READY if any endpoint is READY; else
 * CONNECTING while any endpoint is connecting or idle; else TRANSIENT_FAILURE with a status that
 * names the service. Resolution errors are ignored while an endpoint is READY.
 *
 * <p>Not thread-safe: gRPC calls it from the channel's synchronization context only.
 */
public abstract class EndpointListLoadBalancer extends LoadBalancer {
  private static final long EWMA_DECAY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Helper helper;
  private final Map<EquivalentAddressGroup, Endpoint> endpoints = new LinkedHashMap<>();
  private ConnectivityState currentState;
  private List<Object> currentReady = List.of();
  private Status lastError = Status.OK;
  private SynchronizationContext.ScheduledHandle refresh;

  protected EndpointListLoadBalancer(Helper helper) {
    this.helper = helper;
  }

  /**
   * Returns a picker. {@code all} lists every endpoint in resolution order; {@code ready} the
   * READY ones, never empty.
   */
  protected abstract SubchannelPicker picker(List<EndpointView> all, List<EndpointView> ready);

  /** Returns how long the EWMA of a new endpoint's load decays over; 10 s unless overridden. */
  protected long ewmaDecayNanos() {
    return EWMA_DECAY_NANOS;
  }

  /**
   * Returns whether the picker must be rebuilt whenever any endpoint's state changes, not only
   * when the set of READY endpoints does (pickers that treat connecting endpoints specially).
   */
  protected boolean tracksEveryState() {
    return false;
  }

  /** Returns the channel helper. */
  protected final Helper helper() {
    return helper;
  }

  /** Returns the service (channel authority) for error messages. */
  protected final String service() {
    return helper.getAuthority();
  }

  /**
   * Rebuilds the picker after {@code delay} (e.g. to advance a warm-up ramp), replacing any
   * refresh already scheduled.
   */
  protected final void scheduleRefresh(Duration delay) {
    if (refresh != null) {
      refresh.cancel();
    }
    refresh = helper.getSynchronizationContext().schedule(() -> {
      refresh = null;
      currentReady = List.of(); // force a new picker
      updateBalancingState();
    }, delay.toNanos(), TimeUnit.NANOSECONDS, helper.getScheduledExecutorService());
  }

  /**
   * Receives the parsed policy configuration (from the provider's
   * {@code parseLoadBalancingPolicyConfig}) with every resolution; returns whether it changed
   * anything, in which case the picker is rebuilt.
   */
  protected boolean configure(Object config) {
    return false;
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
    if (configure(resolved.getLoadBalancingPolicyConfig())) {
      currentReady = List.of();
    }
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
    boolean attributesChanged = false;
    Map<EquivalentAddressGroup, Endpoint> retained = new HashMap<>();
    for (EquivalentAddressGroup group : groups) {
      EquivalentAddressGroup key = new EquivalentAddressGroup(group.getAddresses());
      Endpoint endpoint = endpoints.remove(key);
      if (endpoint == null) {
        endpoint = createEndpoint(group);
      } else if (!endpoint.attributes.equals(group.getAttributes())) {
        endpoint.attributes = group.getAttributes();
        endpoint.subchannel.updateAddresses(List.of(group));
        attributesChanged = true;
      }
      retained.put(key, endpoint);
    }
    shutdownAll();
    for (EquivalentAddressGroup group : groups) {
      EquivalentAddressGroup key = new EquivalentAddressGroup(group.getAddresses());
      endpoints.putIfAbsent(key, retained.get(key));
    }
    if (attributesChanged) {
      currentReady = List.of(); // weights may have changed: rebuild even if READY set did not
    }
    updateBalancingState();
    return Status.OK;
  }

  private Endpoint createEndpoint(EquivalentAddressGroup group) {
    Subchannel subchannel = helper.createSubchannel(CreateSubchannelArgs.newBuilder()
        .setAddresses(group)
        .setAttributes(group.getAttributes())
        .build());
    Endpoint endpoint = new Endpoint(subchannel, group.getAttributes(), name(group),
        new EndpointLoad(System::nanoTime, ewmaDecayNanos()));
    subchannel.start(state -> onSubchannelState(endpoint, state));
    subchannel.requestConnection();
    return endpoint;
  }

  private static String name(EquivalentAddressGroup group) {
    SocketAddress address = group.getAddresses().get(0);
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() != null
          ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
          : inet.getHostString() + ":" + inet.getPort();
    }
    return address.toString();
  }

  private void onSubchannelState(Endpoint endpoint, ConnectivityStateInfo info) {
    if (endpoint.shutdown) {
      return;
    }
    ConnectivityState state = info.getState();
    if (state == ConnectivityState.IDLE) {
      endpoint.subchannel.requestConnection();
    }
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      lastError = info.getStatus();
    }
    // Stay in TRANSIENT_FAILURE until READY, as gRPC's balancers do, so reconnect attempts do not
    // flip the aggregate state back to CONNECTING and make calls wait instead of failing fast.
    if (endpoint.state == ConnectivityState.TRANSIENT_FAILURE
        && (state == ConnectivityState.CONNECTING || state == ConnectivityState.IDLE)) {
      return;
    }
    if (state == ConnectivityState.READY && endpoint.state != ConnectivityState.READY) {
      endpoint.load.resetLatency(); // a new connection: earlier round trips describe the old one
    }
    endpoint.state = state;
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
    List<EndpointView> all = new ArrayList<>(endpoints.size());
    List<EndpointView> ready = new ArrayList<>();
    List<Object> readySubchannels = new ArrayList<>();
    boolean connecting = false;
    boolean everyState = tracksEveryState();
    for (Endpoint endpoint : endpoints.values()) {
      EndpointView view = new EndpointView(endpoint.subchannel, endpoint.attributes,
          endpoint.name, endpoint.load, endpoint.state);
      all.add(view);
      if (everyState) {
        readySubchannels.add(endpoint.state);
      }
      if (view.ready()) {
        ready.add(view);
        readySubchannels.add(endpoint.subchannel);
      } else if (endpoint.state != ConnectivityState.TRANSIENT_FAILURE) {
        connecting = true;
      }
    }
    if (!ready.isEmpty()) {
      if (currentState == ConnectivityState.READY && readySubchannels.equals(currentReady)) {
        return;
      }
      currentState = ConnectivityState.READY;
      currentReady = List.copyOf(readySubchannels);
      helper.updateBalancingState(ConnectivityState.READY,
          picker(List.copyOf(all), List.copyOf(ready)));
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
    if (refresh != null) {
      refresh.cancel();
    }
    shutdownAll();
  }

  private static final class Endpoint {
    final Subchannel subchannel;
    final String name;
    final EndpointLoad load;
    Attributes attributes;
    ConnectivityState state = ConnectivityState.IDLE;
    boolean shutdown;

    Endpoint(Subchannel subchannel, Attributes attributes, String name, EndpointLoad load) {
      this.subchannel = subchannel;
      this.attributes = attributes;
      this.name = name;
      this.load = load;
    }
  }

  /** A picker that fails every call with one status. */
  static final class ErrorPicker extends SubchannelPicker {
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
