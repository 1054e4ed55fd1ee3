package dev.switchboard.loadbalance.internal;

import io.grpc.LongCounterMetricInstrument;
import io.grpc.LongGaugeMetricInstrument;
import io.grpc.MetricInstrumentRegistry;
import io.grpc.MetricRecorder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code switchboard.lb.*} instruments of Switchboard's balancers, recorded through gRPC's
 * {@link MetricRecorder} (the channel's, from its helper), so they go wherever the channel's
 * gRPC metrics go ({@code grpc-opentelemetry}) and cost a loop over no sinks when none is
 * configured. Counters: picks (attempts started) per instance, retries won (attempts after a
 * call's first that the instance answered OK) per instance, failure-accrual ejections and
 * restorations per instance. Gauges: instances ejected now, panic mode, instances warming up now.
 *
 * <p>Per-instance series are labelled by instance id for the first
 * {@link #INSTANCE_LABEL_LIMIT} instances a balancer sees, {@code other} after that, so a
 * churning fleet cannot grow the series without bound.
 *
 * <p>One per balancer; used in its synchronization context, except {@link #picked} and
 * {@link #retrySucceeded} (any thread) and the gauge callback (the collecting thread), which
 * read only final or volatile state.
 */
final class BalancerMetrics {
  /** Distinct instance label values per balancer; the rest are {@code other}. */
  static final int INSTANCE_LABEL_LIMIT = 100;
  static final String OTHER = "other";

  private static final List<String> TARGET = List.of("grpc.target");
  private static final List<String> TARGET_INSTANCE =
      List.of("grpc.target", "switchboard.instance");
  private static final LongCounterMetricInstrument PICKS;
  private static final LongCounterMetricInstrument RETRIES_SUCCEEDED;
  private static final LongCounterMetricInstrument EJECTIONS;
  private static final LongCounterMetricInstrument RESTORATIONS;
  private static final LongGaugeMetricInstrument EJECTED;
  private static final LongGaugeMetricInstrument PANIC;
  private static final LongGaugeMetricInstrument WARMING;

  static {
    MetricInstrumentRegistry registry = MetricInstrumentRegistry.getDefaultRegistry();
    PICKS = registry.registerLongCounter("switchboard.lb.picks",
        "Attempts a Switchboard balancer sent to each instance", "{attempt}", TARGET_INSTANCE,
        List.of(), true);
    RETRIES_SUCCEEDED = registry.registerLongCounter("switchboard.lb.retries_succeeded",
        "Attempts after a call's first (retries and hedges) that each instance answered with OK",
        "{attempt}", TARGET_INSTANCE, List.of(), true);
    EJECTIONS = registry.registerLongCounter("switchboard.lb.ejections",
        "Instances failure accrual took out of rotation", "{ejection}", TARGET_INSTANCE,
        List.of(), true);
    RESTORATIONS = registry.registerLongCounter("switchboard.lb.restorations",
        "Ejected instances whose probe call succeeded and that went back into rotation",
        "{restoration}", TARGET_INSTANCE, List.of(), true);
    EJECTED = registry.registerLongGauge("switchboard.lb.ejected",
        "Instances out of rotation by failure accrual now", "{instance}", TARGET, List.of(),
        true);
    PANIC = registry.registerLongGauge("switchboard.lb.panic",
        "1 while failure accrual is in panic mode (more instances failing than it may eject)",
        "{state}", TARGET, List.of(), true);
    WARMING = registry.registerLongGauge("switchboard.lb.warming",
        "READY instances still warming up (effective weight below their full weight)",
        "{instance}", TARGET, List.of(), true);
  }

  private final MetricRecorder recorder;
  private final String target;
  private final List<String> targetLabels;
  private final Set<String> labelled = new HashSet<>();
  private final MetricRecorder.Registration gauges;
  private volatile long ejected;
  private volatile long panic;
  private volatile long warming;

  BalancerMetrics(MetricRecorder recorder, String target) {
    this.recorder = recorder;
    this.target = target == null ? "" : target;
    this.targetLabels = List.of(this.target);
    this.gauges = recorder.registerBatchCallback(sink -> {
      sink.recordLongGauge(EJECTED, ejected, targetLabels, List.of());
      sink.recordLongGauge(PANIC, panic, targetLabels, List.of());
      sink.recordLongGauge(WARMING, warming, targetLabels, List.of());
    }, EJECTED, PANIC, WARMING);
  }

  /** Returns the label values for an instance, {@code other} past the limit. */
  List<String> labelsFor(String instance) {
    if (labelled.contains(instance) || labelled.size() < INSTANCE_LABEL_LIMIT) {
      labelled.add(instance);
      return List.of(target, instance);
    }
    return List.of(target, OTHER);
  }

  /** Counts an attempt sent to the instance of {@code labels}. Any thread. */
  void picked(List<String> labels) {
    recorder.addLongCounter(PICKS, 1, labels, List.of());
  }

  /**
   * Counts an attempt after a call's first (a retry or a hedge) that the instance of
   * {@code labels} answered with OK. Any thread.
   */
  void retrySucceeded(List<String> labels) {
    recorder.addLongCounter(RETRIES_SUCCEEDED, 1, labels, List.of());
  }

  void ejected(List<String> labels) {
    recorder.addLongCounter(EJECTIONS, 1, labels, List.of());
  }

  void restored(List<String> labels) {
    recorder.addLongCounter(RESTORATIONS, 1, labels, List.of());
  }

  /** Publishes the accrual state for the gauges. */
  void state(int ejectedNow, boolean panicking) {
    ejected = ejectedNow;
    panic = panicking ? 1 : 0;
  }

  /** Publishes how many READY instances are warming up now, for the gauge. */
  void warming(int warmingNow) {
    warming = warmingNow;
  }

  /** Stops the gauges. */
  void close() {
    gauges.close();
  }
}
