package dev.switchboard.spring.boot.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.List;

/**
 * The meter provider between OpenTelemetry's API and its Micrometer bridge, fixing two things
 * the bridge gets wrong for gRPC's histograms:
 *
 * <ul>
 *   <li>Bucket boundaries of zero or less are dropped: gRPC's A66 histograms advise buckets
 *       starting at 0, and Micrometer refuses a service-level objective of 0 (the bridge turns
 *       advised buckets into objectives), which would fail every instrumented call.
 *   <li>Histograms in seconds become Micrometer {@link Timer}s: the bridge makes distribution
 *       summaries, whose buckets count each value rounded up to a whole number, so every call
 *       under a second would land in the 1 s bucket.
 *   <li>Batch callbacks, which the bridge does not implement, are run by the instruments'
 *       own callbacks ({@link BatchObservers}).
 * </ul>
 *
 * <p>Everything else passes through. Thread-safe.
 */
final class PositiveBuckets implements MeterProvider {
  private final MeterProvider delegate;
  private final MeterRegistry registry;

  PositiveBuckets(MeterProvider delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
  }

  @Override
  public MeterBuilder meterBuilder(String instrumentationScopeName) {
    MeterBuilder builder = delegate.meterBuilder(instrumentationScopeName);
    return new MeterBuilder() {
      @Override
      public MeterBuilder setSchemaUrl(String schemaUrl) {
        builder.setSchemaUrl(schemaUrl);
        return this;
      }

      @Override
      public MeterBuilder setInstrumentationVersion(String version) {
        builder.setInstrumentationVersion(version);
        return this;
      }

      @Override
      public Meter build() {
        return new FilteringMeter(builder.build(), registry, instrumentationScopeName);
      }
    };
  }

  private record FilteringMeter(Meter delegate, MeterRegistry registry, String scope)
      implements Meter {
    @Override
    public LongCounterBuilder counterBuilder(String name) {
      return new BatchObservers.LongCounters(delegate.counterBuilder(name));
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
      return new BatchObservers.LongUpDowns(delegate.upDownCounterBuilder(name));
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return new DoubleHistograms(delegate.histogramBuilder(name),
          new SecondsTimer.Spec(registry, name, scope, null, null, List.of()));
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
      return new BatchObservers.DoubleGauges(delegate.gaugeBuilder(name));
    }

    @Override
    public BatchCallback batchCallback(Runnable callback, ObservableMeasurement first,
        ObservableMeasurement... rest) {
      return BatchObservers.register(callback, first, rest);
    }
  }

  private record DoubleHistograms(DoubleHistogramBuilder delegate, SecondsTimer.Spec spec)
      implements DoubleHistogramBuilder {
    @Override
    public DoubleHistogramBuilder setDescription(String description) {
      return new DoubleHistograms(delegate.setDescription(description),
          spec.withDescription(description));
    }

    @Override
    public DoubleHistogramBuilder setUnit(String unit) {
      return new DoubleHistograms(delegate.setUnit(unit), spec.withUnit(unit));
    }

    @Override
    public DoubleHistogramBuilder setExplicitBucketBoundariesAdvice(List<Double> boundaries) {
      List<Double> positive = boundaries.stream().filter(boundary -> boundary > 0).toList();
      return new DoubleHistograms(delegate.setExplicitBucketBoundariesAdvice(positive),
          spec.withBoundaries(positive));
    }

    @Override
    public LongHistogramBuilder ofLongs() {
      return new LongHistograms(delegate.ofLongs());
    }

    @Override
    public DoubleHistogram build() {
      return "s".equals(spec.unit()) ? new SecondsTimer(spec) : delegate.build();
    }
  }

  private record LongHistograms(LongHistogramBuilder delegate) implements LongHistogramBuilder {
    @Override
    public LongHistogramBuilder setDescription(String description) {
      return new LongHistograms(delegate.setDescription(description));
    }

    @Override
    public LongHistogramBuilder setUnit(String unit) {
      return new LongHistograms(delegate.setUnit(unit));
    }

    @Override
    public LongHistogramBuilder setExplicitBucketBoundariesAdvice(List<Long> boundaries) {
      return new LongHistograms(delegate.setExplicitBucketBoundariesAdvice(
          boundaries.stream().filter(boundary -> boundary > 0).toList()));
    }

    @Override
    public LongHistogram build() {
      return delegate.build();
    }
  }
}
