package dev.switchboard.spring.boot.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An OpenTelemetry histogram in seconds recorded into Micrometer {@link Timer}s, one per
 * attribute set, with the advised bucket boundaries as service-level objectives. Tags carry the
 * attributes and the instrumentation scope, as the Micrometer bridge's own meters do.
 * Thread-safe.
 */
final class SecondsTimer implements DoubleHistogram {
  private final Spec spec;
  private final Map<Attributes, Timer> timers = new ConcurrentHashMap<>();

  SecondsTimer(Spec spec) {
    this.spec = spec;
  }

  /** What the histogram builder was told. Immutable. */
  record Spec(MeterRegistry registry, String name, String scope, String description,
      String unit, List<Double> boundaries) {
    Spec withDescription(String value) {
      return new Spec(registry, name, scope, value, unit, boundaries);
    }

    Spec withUnit(String value) {
      return new Spec(registry, name, scope, description, value, boundaries);
    }

    Spec withBoundaries(List<Double> value) {
      return new Spec(registry, name, scope, description, unit, List.copyOf(value));
    }
  }

  @Override
  public void record(double seconds) {
    record(seconds, Attributes.empty());
  }

  @Override
  public void record(double seconds, Attributes attributes) {
    timers.computeIfAbsent(attributes, this::timer)
        .record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
  }

  @Override
  public void record(double seconds, Attributes attributes, Context context) {
    record(seconds, attributes);
  }

  private Timer timer(Attributes attributes) {
    List<Tag> tags = new ArrayList<>();
    attributes.forEach((key, value) -> tags.add(Tag.of(key.getKey(), String.valueOf(value))));
    tags.add(Tag.of("otel.instrumentation.name", spec.scope()));
    Duration[] objectives = spec.boundaries().stream()
        .map(seconds -> Duration.ofNanos((long) (seconds * 1e9)))
        .toArray(Duration[]::new);
    return Timer.builder(spec.name())
        .description(spec.description())
        .tags(tags)
        .serviceLevelObjectives(objectives)
        .register(spec.registry());
  }
}
