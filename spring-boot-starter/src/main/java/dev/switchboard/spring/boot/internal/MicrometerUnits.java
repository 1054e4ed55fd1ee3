package dev.switchboard.spring.boot.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives gRPC's and Switchboard's meters Micrometer's unit names in place of OpenTelemetry's
 * unit codes ({@code s} → {@code seconds}, {@code By} → {@code bytes}, annotations such as
 * {@code {attempt}} → none), so that Prometheus names come out as OpenTelemetry's own
 * exporter writes them: {@code grpc_client_attempt_duration_seconds},
 * {@code switchboard_lb_picks_total}. Only meters named {@code grpc.*} or {@code switchboard.*}
 * are touched. Immutable.
 */
public final class MicrometerUnits implements MeterFilter {

  @Override
  public Meter.Id map(Meter.Id id) {
    String name = id.getName();
    if (!name.startsWith("grpc.") && !name.startsWith("switchboard.")) {
      return id;
    }
    String unit = id.getBaseUnit();
    if (unit == null) {
      return id;
    }
    String mapped = switch (unit) {
      case "s" -> "seconds";
      case "ms" -> "milliseconds";
      case "By" -> "bytes";
      case "1" -> null;
      default -> unit.startsWith("{") && unit.endsWith("}") ? null : unit;
    };
    return mapped == null ? id.withBaseUnit(null) : id.withBaseUnit(mapped);
  }
}
