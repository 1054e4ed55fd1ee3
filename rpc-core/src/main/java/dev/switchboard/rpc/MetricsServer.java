package dev.switchboard.rpc;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serves a process's metrics as Prometheus text at {@code http://host:port/metrics}, from an
 * OpenTelemetry SDK meter provider with the OpenTelemetry Prometheus reader. Hand
 * {@link #telemetry()} to every {@link RpcServer} and {@link RpcClient} of the process (or use
 * their {@code metricsPort(...)}, which starts one for them).
 *
 * <pre>{@code
 * MetricsServer metrics = MetricsServer.start(9464);
 * RpcServer.builder().telemetry(metrics.telemetry())...
 * }</pre>
 *
 * <p>Metrics only: its OpenTelemetry has no tracer provider (bring an SDK of your own for traces).
 * Thread-safe; {@link #close()} stops the HTTP server, then the meter provider.
 */
public final class MetricsServer implements AutoCloseable {
  private final SdkMeterProvider meterProvider;
  private final HTTPServer http;
  private final Telemetry telemetry;

  private MetricsServer(SdkMeterProvider meterProvider, HTTPServer http) {
    this.meterProvider = meterProvider;
    this.http = http;
    OpenTelemetry openTelemetry = new OpenTelemetry() {
      @Override
      public TracerProvider getTracerProvider() {
        return TracerProvider.noop();
      }

      @Override
      public io.opentelemetry.api.metrics.MeterProvider getMeterProvider() {
        return meterProvider;
      }

      @Override
      public ContextPropagators getPropagators() {
        return ContextPropagators.noop();
      }
    };
    this.telemetry = Telemetry.builder(openTelemetry).tracing(false).build();
  }

  /** Starts serving on every interface at {@code port} (0 picks a free one). */
  public static MetricsServer start(int port) {
    return start("0.0.0.0", port);
  }

  /**
   * Starts serving on {@code host} at {@code port} (0 picks a free one).
   *
   * @throws IllegalArgumentException if the port is out of range
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static MetricsServer start(String host, int port) {
    dev.switchboard.rpc.internal.Instrumentation.checkMetricsPort(port);
    PrometheusMetricReader reader = PrometheusMetricReader.create();
    SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(reader)
        .build();
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(reader);
    try {
      HTTPServer http = HTTPServer.builder().hostname(host).port(port).registry(registry)
          .buildAndStart();
      return new MetricsServer(meterProvider, http);
    } catch (IOException e) {
      meterProvider.close();
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": "
          + e.getMessage(), e);
    }
  }

  /** Returns the telemetry to hand to servers and clients (metrics on, tracing off). */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** Returns the port it serves on. */
  public int port() {
    return http.getPort();
  }

  /** Stops serving and shuts the meter provider down. Idempotent. */
  @Override
  public void close() {
    http.close();
    meterProvider.close();
  }

  @Override
  public String toString() {
    return "MetricsServer{port=" + port() + "}";
  }
}
