package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.Telemetry;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerBuilder;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.grpc.opentelemetry.InternalGrpcOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * The one place where a client's or server's {@link Telemetry} is turned into instrumentation:
 * gRPC's own metrics and traces ({@code grpc-opentelemetry}, configured on every channel and
 * server builder) and the meter Switchboard's {@code switchboard.*} instruments are created on.
 * Disabled telemetry installs nothing. Thread-safe.
 */
public final class Instrumentation {
  /** The instrumentation scope of Switchboard's own instruments. */
  public static final String SCOPE = "dev.switchboard";

  /**
   * gRPC metrics that are off by default in grpc-java and that an operator of a registry-backed
   * client wants: retries, hedges and their delays (gRFC A96), subchannel connection churn
   * (A94), and the weighted round robin balancer's weights (A78).
   */
  static final List<String> OPTIONAL_GRPC_METRICS = List.of(
      "grpc.client.call.retries", "grpc.client.call.transparent_retries",
      "grpc.client.call.hedges", "grpc.client.call.retry_delay",
      "grpc.subchannel.connection_attempts_succeeded",
      "grpc.subchannel.connection_attempts_failed", "grpc.subchannel.disconnections",
      "grpc.subchannel.open_connections", "grpc.lb.wrr.rr_fallback",
      "grpc.lb.wrr.endpoint_weight_not_yet_usable", "grpc.lb.wrr.endpoint_weight_stale",
      "grpc.lb.wrr.endpoint_weights");

  private static final Instrumentation DISABLED = new Instrumentation(Telemetry.disabled(), null);

  private final Telemetry telemetry;
  private final GrpcOpenTelemetry grpc;

  private Instrumentation(Telemetry telemetry, GrpcOpenTelemetry grpc) {
    this.telemetry = telemetry;
    this.grpc = grpc;
  }

  /** Returns the instrumentation of {@code telemetry}. */
  public static Instrumentation of(Telemetry telemetry) {
    if (!telemetry.enabled()) {
      return DISABLED;
    }
    OpenTelemetry openTelemetry = telemetry.openTelemetry().orElseThrow();
    GrpcOpenTelemetry.Builder builder = GrpcOpenTelemetry.newBuilder().sdk(openTelemetry)
        .enableMetrics(OPTIONAL_GRPC_METRICS);
    // grpc-java's A72 tracing is still marked experimental: its switch is "Internal" API.
    InternalGrpcOpenTelemetry.enableTracing(builder, telemetry.tracing());
    return new Instrumentation(telemetry, builder.build());
  }

  /** Returns {@code port} if it can be a metrics port (0 picks a free one). */
  public static int checkMetricsPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("metricsPort " + port
          + " is out of range (allowed: 0..65535)");
    }
    return port;
  }

  /** Refuses a builder given both its own metrics port and a telemetry. */
  public static void checkOneSource(Telemetry telemetry, Integer metricsPort) {
    if (telemetry != null && metricsPort != null) {
      throw new IllegalStateException("metricsPort(" + metricsPort + ") starts its own metrics"
          + " provider and cannot be combined with telemetry(...): add the OpenTelemetry"
          + " Prometheus reader to your SDK instead, or drop telemetry(...)");
    }
  }

  /** Returns the settings this instrumentation came from. */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** Returns whether anything is recorded. */
  public boolean enabled() {
    return grpc != null;
  }

  /** Installs gRPC's metrics and traces on a channel builder (nothing when disabled). */
  public void configure(ManagedChannelBuilder<?> builder) {
    if (grpc != null) {
      grpc.configureChannelBuilder(builder);
    }
  }

  /** Installs gRPC's metrics and traces on a server builder (nothing when disabled). */
  public void configure(ServerBuilder<?> builder) {
    if (grpc != null) {
      grpc.configureServerBuilder(builder);
    }
  }

  /** Returns the meter for Switchboard's own instruments (a no-op meter when disabled). */
  public Meter meter() {
    return telemetry.openTelemetry().orElse(OpenTelemetry.noop()).getMeter(SCOPE);
  }
}
