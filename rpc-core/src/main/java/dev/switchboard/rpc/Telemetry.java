package dev.switchboard.rpc;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;

/**
 * Where an {@link RpcClient} or {@link RpcServer} reports its metrics and traces: an
 * OpenTelemetry instance. gRPC's standard metrics (gRFC A66: {@code grpc.client.attempt.*},
 * {@code grpc.client.call.*}, {@code grpc.server.call.*}, with gRPC's retry and subchannel
 * metrics switched on) and traces (A72, W3C {@code traceparent} across hops) come from
 * {@code grpc-opentelemetry}; Switchboard adds its own {@code switchboard.*} signals (picks per
 * instance (the first 100 instances of a channel by id, the rest as {@code other}), failure
 * accrual, fallbacks, retry-budget denials, the registry's state); see
 * {@code docs/observability.md}.
 *
 * <p>The default is {@link #global()}: the global OpenTelemetry if the application registered
 * one before the client or server was built, else nothing is recorded and nothing is installed
 * on the call path. {@link MetricsServer} makes one that serves Prometheus text.
 *
 * <p>Immutable.
 */
public final class Telemetry {
  private static final Telemetry DISABLED = new Telemetry(null, false);

  private final OpenTelemetry openTelemetry;
  private final boolean tracing;

  private Telemetry(OpenTelemetry openTelemetry, boolean tracing) {
    this.openTelemetry = openTelemetry;
    this.tracing = tracing;
  }

  /** Returns telemetry that records nothing and installs nothing. */
  public static Telemetry disabled() {
    return DISABLED;
  }

  /**
   * Returns telemetry on the global OpenTelemetry if one is registered now (with tracing on),
   * else {@link #disabled()}. Never registers one itself.
   */
  public static Telemetry global() {
    return GlobalOpenTelemetry.isSet() ? builder(GlobalOpenTelemetry.get()).build() : DISABLED;
  }

  /** Returns a builder reporting to {@code openTelemetry}. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(java.util.Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /** Returns the OpenTelemetry instance, empty when disabled. */
  public Optional<OpenTelemetry> openTelemetry() {
    return Optional.ofNullable(openTelemetry);
  }

  /** Returns whether anything is recorded. */
  public boolean enabled() {
    return openTelemetry != null;
  }

  /** Returns whether calls are traced (spans per call, attempt and server call). */
  public boolean tracing() {
    return tracing;
  }

  @Override
  public String toString() {
    return enabled() ? "Telemetry{tracing=" + tracing + "}" : "Telemetry{disabled}";
  }

  /** Builds {@link Telemetry}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private boolean tracing = true;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /** Sets whether calls are traced; true by default (the tracer provider decides exports). */
    public Builder tracing(boolean tracing) {
      this.tracing = tracing;
      return this;
    }

    /** Returns the settings. */
    public Telemetry build() {
      return new Telemetry(openTelemetry, tracing);
    }
  }
}
