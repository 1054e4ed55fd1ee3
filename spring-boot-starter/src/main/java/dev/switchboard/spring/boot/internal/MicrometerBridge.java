package dev.switchboard.spring.boot.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.contrib.metrics.micrometer.MicrometerMeterProvider;
import java.util.function.Supplier;

/**
 * OpenTelemetry's metrics API recording into the application's Micrometer {@link MeterRegistry}
 * (OpenTelemetry's {@code opentelemetry-micrometer-meter-provider}): gRPC's A66 metrics and
 * Switchboard's {@code switchboard.*} signals become Micrometer meters of the same names.
 * Created once per context, closed with it. Thread-safe.
 */
public final class MicrometerBridge implements AutoCloseable {
  private final MicrometerMeterProvider provider;
  private final MeterProvider filtered;

  /** Bridges into the registry {@code registry} supplies, if it supplies one. */
  public MicrometerBridge(Supplier<MeterRegistry> registry) {
    MeterRegistry meters = registry.get();
    this.provider = meters == null ? null : MicrometerMeterProvider.builder(meters).build();
    this.filtered = provider == null ? null : new PositiveBuckets(provider, meters);
  }

  /** Returns the meter provider, or null when the application has no Micrometer registry. */
  public MeterProvider meterProvider() {
    return filtered;
  }

  @Override
  public void close() {
    if (provider != null) {
      provider.close();
    }
  }
}
