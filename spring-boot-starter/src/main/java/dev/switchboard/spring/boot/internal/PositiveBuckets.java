package dev.switchboard.spring.boot.internal;

import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
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
 * A meter provider that drops histogram bucket boundaries of zero or less before they reach
 * Micrometer. gRPC's A66 histograms advise buckets starting at 0, and Micrometer refuses a
 * service-level objective of 0 (the bridge turns advised buckets into objectives), which would
 * fail every instrumented call. A bucket at 0 holds nothing a latency or size can be below.
 * Everything else passes through. Immutable.
 */
final class PositiveBuckets implements MeterProvider {
  private final MeterProvider delegate;

  PositiveBuckets(MeterProvider delegate) {
    this.delegate = delegate;
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
        return new FilteringMeter(builder.build());
      }
    };
  }

  private record FilteringMeter(Meter delegate) implements Meter {
    @Override
    public LongCounterBuilder counterBuilder(String name) {
      return delegate.counterBuilder(name);
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
      return delegate.upDownCounterBuilder(name);
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return new DoubleHistograms(delegate.histogramBuilder(name));
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
      return delegate.gaugeBuilder(name);
    }
  }

  private record DoubleHistograms(DoubleHistogramBuilder delegate)
      implements DoubleHistogramBuilder {
    @Override
    public DoubleHistogramBuilder setDescription(String description) {
      return new DoubleHistograms(delegate.setDescription(description));
    }

    @Override
    public DoubleHistogramBuilder setUnit(String unit) {
      return new DoubleHistograms(delegate.setUnit(unit));
    }

    @Override
    public DoubleHistogramBuilder setExplicitBucketBoundariesAdvice(List<Double> boundaries) {
      return new DoubleHistograms(delegate.setExplicitBucketBoundariesAdvice(
          boundaries.stream().filter(boundary -> boundary > 0).toList()));
    }

    @Override
    public LongHistogramBuilder ofLongs() {
      return new LongHistograms(delegate.ofLongs());
    }

    @Override
    public DoubleHistogram build() {
      return delegate.build();
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
