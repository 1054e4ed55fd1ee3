package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.FailureAccrual;
import dev.switchboard.loadbalance.select.EndpointHealth;
import dev.switchboard.loadbalance.select.EndpointLoad;
import dev.switchboard.loadbalance.select.Rotation;
import dev.switchboard.rpc.CallAttempts;
import dev.switchboard.rpc.EndpointAttributes;
import dev.switchboard.rpc.Explanation;
import dev.switchboard.rpc.ZoneAffinity;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part every Switchboard balancer shares: one subchannel per resolved endpoint, kept across
 * resolutions (an endpoint whose attributes change keeps its connection and its load record),
 * reconnected when idle, failure accrual, and an aggregate state published with a picker.
 * Subclasses only say how to pick, in {@link #picker(List, List)}, which runs here in the
 * synchronization context, never on the call path.
 *
 * <p>State aggregation follows gRPC's round_robin: READY if any endpoint is READY; else
 * CONNECTING while any endpoint is connecting or idle; else TRANSIENT_FAILURE with a status that
 * names the service. Resolution errors are ignored while an endpoint is READY.
 *
 * <p><b>Failure accrual</b> ({@link FailureAccrual}): every call's outcome is recorded in its
 * endpoint's {@link EndpointHealth} by the stream tracer; an ejected endpoint leaves the READY
 * list the subclass is given, within the panic threshold; when its backoff ends it is probed one
 * call at a time (the first look of every pick, lock-free) until a success restores it. Every
 * ejection, restoration and panic is logged.
 *
 * <p>A new picker is published before removed subchannels are shut down, as gRPC's
 * {@code MultiChildLoadBalancer} does, so that no pick returns a shut subchannel.
 *
 * <p>Not thread-safe: gRPC calls it from the channel's synchronization context only.
 */
public abstract class EndpointListLoadBalancer extends LoadBalancer {
  private static final Logger logger = LoggerFactory.getLogger(EndpointListLoadBalancer.class);
  private static final long EWMA_DECAY_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long TICK_NANOS = EndpointHealth.TICK_NANOS;

  private final Helper helper;
  private final LongSupplier nanoClock;
  private final Map<EquivalentAddressGroup, Endpoint> endpoints = new LinkedHashMap<>();
  private final LoadTracerFactory.HealthListener healthListener = this::onHealthChange;
  private ConnectivityState currentState;
  private List<Object> currentReady = List.of();
  private Status lastError = Status.OK;
  private SynchronizationContext.ScheduledHandle refresh;
  private SynchronizationContext.ScheduledHandle tick;
  private FailureAccrual accrual = FailureAccrual.DEFAULTS;
  private int failureMask = LoadTracerFactory.mask(FailureAccrual.DEFAULTS.failureCodes());
  private boolean panicking;
  private ZoneAffinity zoneAffinity; // the caller's, from the resolver; null for none
  private boolean inLocalZone;
  private int warmingNow;
  private boolean shut;
  private final BalancerMetrics metrics;

  protected EndpointListLoadBalancer(Helper helper, LongSupplier nanoClock) {
    this.helper = helper;
    this.nanoClock = nanoClock;
    this.metrics = new BalancerMetrics(helper.getMetricRecorder(), channelTarget(helper));
  }

  // A helper of a parent balancer that does not forward the target: label by the authority.
  private static String channelTarget(Helper helper) {
    try {
      return helper.getChannelTarget();
    } catch (UnsupportedOperationException e) {
      return helper.getAuthority();
    }
  }

  protected EndpointListLoadBalancer(Helper helper) {
    this(helper, System::nanoTime);
  }

  /**
   * Returns a picker. {@code all} lists every endpoint in resolution order; {@code ready} the
   * READY ones in rotation (not ejected by failure accrual), never empty.
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

  /**
   * Returns whether the balancer wants {@link #onTick(EndpointLoad, long)} for every endpoint on
   * every tick (about 4 a second), not only while failure accrual needs them.
   */
  protected boolean ticksAlways() {
    return false;
  }

  /** Runs for each endpoint on each tick, in the synchronization context; nothing by default. */
  protected void onTick(EndpointLoad load, long nowNanos) {}

  /**
   * Publishes how many of the {@code ready} endpoints the picker being built is given are still
   * warming up (their effective weight below their full weight), for the
   * {@code switchboard.lb.warming} gauge. Call it from {@link #picker(List, List)}; every picker
   * build starts from 0, so a balancer without warm-up reports 0.
   */
  protected final void warming(int count) {
    warmingNow = count;
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
   * Returns the pick result for {@code endpoint}, with the stream tracer that failure accrual
   * needs and, if {@code counts} / {@code timed}, counting its calls in flight / timing them, also
   * into {@code total} unless null. Without any of that, a result with no tracer.
   */
  protected final PickResult pickResult(EndpointView endpoint, boolean counts, boolean timed,
      AtomicInteger total) {
    int mask = accrual.enabled() || counts || timed ? failureMask : 0;
    if (mask == 0 && !counts && !timed && total == null) {
      return PickResult.withSubchannel(endpoint.subchannel());
    }
    List<String> labels = metrics.labelsFor(ExplainFacts.label(endpoint.attributes(),
        endpoint.name()));
    return PickResult.withSubchannel(endpoint.subchannel(), new LoadTracerFactory(
        endpoint.name(), endpoint.load(), counts, timed, total, mask, healthListener,
        new InstanceCounter(metrics, labels)));
  }

  /** Counts an instance's attempts into the balancer's metrics, under its labels. */
  private static final class InstanceCounter implements LoadTracerFactory.AttemptCounter {
    private final BalancerMetrics metrics;
    private final List<String> labels;

    InstanceCounter(BalancerMetrics metrics, List<String> labels) {
      this.metrics = metrics;
      this.labels = labels;
    }

    @Override
    public void started() {
      metrics.picked(labels);
    }

    @Override
    public void retrySucceeded() {
      metrics.retrySucceeded(labels);
    }
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
      rebuild();
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
    Object config = resolved.getLoadBalancingPolicyConfig();
    boolean changed = configure(config);
    ZoneAffinity affinity = resolved.getAttributes().get(EndpointAttributes.ZONE_AFFINITY);
    if (!java.util.Objects.equals(affinity, zoneAffinity)) {
      zoneAffinity = affinity;
      changed = true;
    }
    if (config instanceof BalancerConfigs.WithAccrual withAccrual
        && !withAccrual.accrual().equals(accrual)) {
      accrual = withAccrual.accrual();
      failureMask = LoadTracerFactory.mask(accrual.failureCodes());
      for (Endpoint endpoint : endpoints.values()) {
        endpoint.load.health().rule(accrual.rule());
      }
      changed = true;
    }
    if (changed) {
      currentReady = List.of();
    }
    List<EquivalentAddressGroup> groups = resolved.getAddresses();
    if (groups.isEmpty()) {
      Status status = Status.UNAVAILABLE.withDescription(
          "no instance of service " + service() + " is registered");
      List<Endpoint> removed = List.copyOf(endpoints.values());
      endpoints.clear();
      currentState = ConnectivityState.TRANSIENT_FAILURE;
      currentReady = List.of();
      metrics.warming(0); // nothing READY
      helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE, new ErrorPicker(status));
      shutdown(removed);
      return status;
    }
    boolean attributesChanged = false;
    Map<EquivalentAddressGroup, Endpoint> retained = new HashMap<>();
    for (EquivalentAddressGroup group : groups) {
      EquivalentAddressGroup key = new EquivalentAddressGroup(group.getAddresses());
      Endpoint endpoint = endpoints.remove(key);
      if (endpoint == null) {
        endpoint = retained.containsKey(key) ? retained.get(key) : createEndpoint(group);
      } else if (!endpoint.attributes.equals(group.getAttributes())) {
        endpoint.attributes = group.getAttributes();
        endpoint.subchannel.updateAddresses(List.of(group));
        attributesChanged = true;
      }
      retained.put(key, endpoint);
    }
    List<Endpoint> removed = List.copyOf(endpoints.values());
    for (Endpoint endpoint : removed) {
      endpoint.shutdown = true; // its state updates no longer count
    }
    endpoints.clear();
    for (EquivalentAddressGroup group : groups) {
      EquivalentAddressGroup key = new EquivalentAddressGroup(group.getAddresses());
      endpoints.putIfAbsent(key, retained.get(key));
    }
    if (attributesChanged || !removed.isEmpty()) {
      currentReady = List.of(); // weights or membership changed: rebuild
    }
    updateBalancingState();
    shutdown(removed); // after the new picker is published: no pick sees a shut subchannel
    return Status.OK;
  }

  private Endpoint createEndpoint(EquivalentAddressGroup group) {
    Subchannel subchannel = helper.createSubchannel(CreateSubchannelArgs.newBuilder()
        .setAddresses(group)
        .setAttributes(group.getAttributes())
        .build());
    EndpointHealth health = new EndpointHealth(accrual.rule(), nanoClock,
        () -> 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble(),
        EndpointHealth.SCORE_DECAY_NANOS);
    Endpoint endpoint = new Endpoint(subchannel, group.getAttributes(), name(group),
        new EndpointLoad(nanoClock, ewmaDecayNanos(), health));
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

  // Called on a transport thread by the tracer of a call that changed an endpoint's health.
  private void onHealthChange(String name, EndpointHealth.Change change, Status last) {
    helper.getSynchronizationContext().execute(() -> {
      if (shut) {
        return; // a call that outlived the balancer
      }
      Endpoint changed = byName(name);
      if (changed != null) {
        List<String> labels = metrics.labelsFor(ExplainFacts.label(changed.attributes, name));
        if (change == EndpointHealth.Change.EJECTED) {
          metrics.ejected(labels);
        } else {
          metrics.restored(labels);
        }
      }
      if (change == EndpointHealth.Change.EJECTED) {
        Endpoint endpoint = changed;
        long nanos = endpoint == null ? 0
            : endpoint.load.health().ejectedUntilNanos() - nanoClock.getAsLong();
        logger.warn("FAILURE ACCRUAL: instance {} of {} ejected for {} ms (ejection #{}); last"
            + " failure: {} {}", name, service(), TimeUnit.NANOSECONDS.toMillis(nanos),
            endpoint == null ? 0 : endpoint.load.health().ejections(), last.getCode(),
            last.getDescription() == null ? "" : last.getDescription());
      } else {
        logger.info("FAILURE ACCRUAL: instance {} of {} restored: its probe call succeeded", name,
            service());
      }
      rebuild();
    });
  }

  private Endpoint byName(String name) {
    for (Endpoint endpoint : endpoints.values()) {
      if (endpoint.name.equals(name)) {
        return endpoint;
      }
    }
    return null;
  }

  private void onTick() {
    tick = null;
    boolean changed = false;
    long now = nanoClock.getAsLong();
    for (Endpoint endpoint : endpoints.values()) {
      onTick(endpoint.load, now);
      if (endpoint.load.health().tick()) {
        changed = true;
        logger.info("FAILURE ACCRUAL: instance {} of {} is probed: its ejection ended",
            endpoint.name, service());
      }
    }
    if (changed) {
      rebuild();
    } else {
      scheduleTickIfNeeded();
    }
  }

  private void scheduleTickIfNeeded() {
    if (tick != null) {
      return;
    }
    long delay = ticksAlways() && !endpoints.isEmpty() ? TICK_NANOS : -1;
    long now = nanoClock.getAsLong();
    for (Endpoint endpoint : endpoints.values()) {
      EndpointHealth health = endpoint.load.health();
      if (!health.needsTicks()) {
        continue;
      }
      long wait = TICK_NANOS;
      if (health.state() == EndpointHealth.EJECTED) {
        wait = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
            Math.min(TICK_NANOS, health.ejectedUntilNanos() - now));
      }
      delay = delay < 0 ? wait : Math.min(delay, wait);
    }
    if (delay > 0) {
      tick = helper.getSynchronizationContext().schedule(this::onTick, delay,
          TimeUnit.NANOSECONDS, helper.getScheduledExecutorService());
    }
  }

  private void rebuild() {
    currentReady = List.of(); // force a new picker
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
    List<Endpoint> readyEndpoints = new ArrayList<>();
    List<Object> readySubchannels = new ArrayList<>();
    boolean connecting = false;
    boolean everyState = tracksEveryState();
    for (Endpoint endpoint : endpoints.values()) {
      if (everyState) {
        readySubchannels.add(endpoint.state);
      }
      if (endpoint.state == ConnectivityState.READY) {
        readyEndpoints.add(endpoint);
        readySubchannels.add(endpoint.subchannel);
      } else if (endpoint.state != ConnectivityState.TRANSIENT_FAILURE) {
        connecting = true;
      }
    }
    if (!readyEndpoints.isEmpty()) {
      if (currentState == ConnectivityState.READY && readySubchannels.equals(currentReady)) {
        return;
      }
      currentState = ConnectivityState.READY;
      currentReady = List.copyOf(readySubchannels);
      helper.updateBalancingState(ConnectivityState.READY, readyPicker(readyEndpoints));
      scheduleTickIfNeeded();
      return;
    }
    currentReady = List.of();
    metrics.warming(0); // nothing READY
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

  /** Splits the READY endpoints into rotation and probes (panic threshold applied) and picks. */
  private SubchannelPicker readyPicker(List<Endpoint> readyEndpoints) {
    EndpointHealth[] healths = new EndpointHealth[readyEndpoints.size()];
    for (int i = 0; i < healths.length; i++) {
      healths[i] = readyEndpoints.get(i).load.health();
    }
    Rotation.Decision decision =
        Rotation.decide(healths, accrual.enabled(), accrual.maxEjectedPercent());
    Map<Endpoint, Integer> roles = new HashMap<>();
    for (int i = 0; i < healths.length; i++) {
      roles.put(readyEndpoints.get(i), decision.roles()[i]);
    }
    if (decision.panic() && !panicking) {
      int out = 0;
      for (int role : decision.roles()) {
        out += role == Rotation.IN ? 0 : 1;
      }
      logger.warn("FAILURE ACCRUAL PANIC: {} of {} READY instances of {} are failing; keeping"
          + " {} of them in rotation so that at most {} % are out", decision.failing(),
          healths.length, service(), decision.failing() - out, accrual.maxEjectedPercent());
    } else if (!decision.panic() && panicking) {
      logger.info("FAILURE ACCRUAL: {} is out of panic mode ({} of {} instances failing)",
          service(), decision.failing(), healths.length);
    }
    panicking = decision.panic();
    int ejectedNow = 0;
    for (int role : decision.roles()) {
      ejectedNow += role == Rotation.IN ? 0 : 1;
    }
    metrics.state(ejectedNow, panicking);
    List<EndpointView> all = new ArrayList<>(endpoints.size());
    List<EndpointView> rotation = new ArrayList<>();
    List<EndpointView> probes = new ArrayList<>();
    for (Endpoint endpoint : endpoints.values()) {
      Integer role = roles.get(endpoint); // null unless READY
      EndpointView view = new EndpointView(endpoint.subchannel, endpoint.attributes,
          endpoint.name, endpoint.load, endpoint.state, role != null && role == Rotation.IN,
          false);
      all.add(view);
      if (view.usable()) {
        rotation.add(view);
      } else if (role != null && role == Rotation.PROBE) {
        probes.add(view);
      }
    }
    ZoneRouting.Decision zones = ZoneRouting.decide(zoneAffinity, all, rotation);
    if (zones.local()) {
      all = zones.apply(all);
      rotation = zones.inZone(rotation);
    }
    if (zoneAffinity != null && zones.local() != inLocalZone) {
      if (zones.local()) {
        logger.info("ZONE: calls to {} stay in zone {} ({} of {} of its weight usable)",
            service(), zoneAffinity.zone(), zones.usableWeight(), zones.totalWeight());
      } else {
        logger.warn("ZONE SPILLOVER: only {} of {} of zone {}'s weight for {} is usable"
            + " (below {} %); calls go to every zone", zones.usableWeight(),
            zones.totalWeight(), zoneAffinity.zone(), service(),
            Math.round(zoneAffinity.minHealthyShare() * 100));
      }
      inLocalZone = zones.local();
    }
    warmingNow = 0; // picker(...) says otherwise if it warms endpoints up
    SubchannelPicker picker = rotation.isEmpty()
        ? new ErrorPicker(Status.UNAVAILABLE.withDescription("every instance of service "
            + service() + " is ejected by failure accrual (" + decision.failing()
            + " failing)"))
        : picker(List.copyOf(all), List.copyOf(rotation));
    metrics.warming(warmingNow);
    if (probes.isEmpty()) {
      return picker;
    }
    PickResult[] probeResults = new PickResult[probes.size()];
    EndpointHealth[] probeHealths = new EndpointHealth[probes.size()];
    for (int i = 0; i < probeResults.length; i++) {
      probeResults[i] = pickResult(probes.get(i), true, false, null);
      probeHealths[i] = probes.get(i).load().health();
    }
    return new ProbingPicker(picker, probeResults, probeHealths, List.copyOf(probes),
        List.copyOf(all));
  }

  private static void shutdown(List<Endpoint> removed) {
    for (Endpoint endpoint : removed) {
      endpoint.shutdown = true;
      endpoint.subchannel.shutdown();
    }
  }

  @Override
  public void shutdown() {
    shut = true;
    metrics.close();
    if (refresh != null) {
      refresh.cancel();
    }
    if (tick != null) {
      tick.cancel();
    }
    List<Endpoint> removed = List.copyOf(endpoints.values());
    endpoints.clear();
    shutdown(removed);
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

  /**
   * Sends one call at a time to each probing endpoint (the first pick of a call's first attempt
   * that claims its probe), everything else to the rotation's picker. Lock- and allocation-free.
   */
  static final class ProbingPicker extends SubchannelPicker {
    private final SubchannelPicker rotation;
    private final PickResult[] probes;
    private final EndpointHealth[] healths;
    private final List<EndpointView> probeViews; // for explanations only
    private final List<EndpointView> all;

    ProbingPicker(SubchannelPicker rotation, PickResult[] probes, EndpointHealth[] healths,
        List<EndpointView> probeViews, List<EndpointView> all) {
      this.rotation = rotation;
      this.probes = probes;
      this.healths = healths;
      this.probeViews = probeViews;
      this.all = all;
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      CallAttempts attempts = args.getCallOptions().getOption(CallAttempts.KEY);
      if (attempts != null && CallAttempts.previousAttempts(args.getHeaders()) > 0) {
        return rotation.pickSubchannel(args); // a retry goes where it is likelier to succeed
      }
      for (int i = 0; i < probes.length; i++) {
        if (healths[i].tryProbe()) {
          if (attempts != null) {
            attempts.record(0, probes[i].getSubchannel());
          }
          Explanation explanation = args.getCallOptions().getOption(Explanation.KEY);
          if (explanation != null) { // looked up only here: rotation picks look themselves
            explanation.pick(args.getHeaders()).picked(ExplainFacts.label(probeViews.get(i)))
                .fact("probe", "ejection_ended_one_call_at_a_time")
                .fact("excluded", ExplainFacts.excluded(all));
          }
          return probes[i];
        }
      }
      return rotation.pickSubchannel(args);
    }

    @Override
    public String toString() {
      return "ProbingPicker{probes=" + probes.length + ", rotation=" + rotation + "}";
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
      Explanation explanation = args.getCallOptions().getOption(Explanation.KEY);
      if (explanation != null) {
        explanation.pick(args.getHeaders()).picked("none").fact("no_pick", "no_usable_instance");
      }
      return result;
    }

    @Override
    public String toString() {
      return "ErrorPicker{" + result + "}";
    }
  }
}
