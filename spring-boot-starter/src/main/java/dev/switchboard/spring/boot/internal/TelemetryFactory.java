package dev.switchboard.spring.boot.internal;

import dev.switchboard.rpc.Telemetry;
import dev.switchboard.spring.boot.SwitchboardProperties;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * Chooses where the starter's telemetry goes: metrics into the application's Micrometer registry
 * when it has one (so they appear under {@code /actuator/metrics} and
 * {@code /actuator/prometheus}), else into the application's OpenTelemetry; traces into the
 * application's OpenTelemetry. Without either, {@link Telemetry#global()}. Stateless.
 */
public final class TelemetryFactory {
  private TelemetryFactory() {}

  /**
   * Returns the telemetry for these settings.
   *
   * @param openTelemetry the application's OpenTelemetry bean, or null
   * @param micrometer the bridge into its Micrometer registry, or null
   */
  public static Telemetry create(SwitchboardProperties.Telemetry settings,
      OpenTelemetry openTelemetry, MicrometerBridge micrometer) {
    if (!settings.isEnabled()) {
      return Telemetry.disabled();
    }
    MeterProvider meters = micrometer != null ? micrometer.meterProvider() : null;
    if (meters == null && openTelemetry == null) {
      return Telemetry.global();
    }
    if (meters == null) {
      return Telemetry.builder(openTelemetry).tracing(settings.isTracing()).build();
    }
    OpenTelemetry combined = openTelemetry == null
        ? new Combined(meters, TracerProvider.noop(), ContextPropagators.noop())
        : new Combined(meters, openTelemetry.getTracerProvider(), openTelemetry.getPropagators());
    return Telemetry.builder(combined)
        .tracing(settings.isTracing() && openTelemetry != null)
        .build();
  }

  /** Metrics from one source, traces and propagation from another. Immutable. */
  private record Combined(MeterProvider meters, TracerProvider tracers,
      ContextPropagators propagators) implements OpenTelemetry {
    @Override
    public MeterProvider getMeterProvider() {
      return meters;
    }

    @Override
    public TracerProvider getTracerProvider() {
      return tracers;
    }

    @Override
    public ContextPropagators getPropagators() {
      return propagators;
    }
  }
}
