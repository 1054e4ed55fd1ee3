package dev.switchboard.spring.boot.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleUpDownCounter;
import io.opentelemetry.api.metrics.DoubleUpDownCounterBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongGaugeBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.ObservableDoubleCounter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableDoubleUpDownCounter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableLongUpDownCounter;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Batch callbacks ({@code Meter.batchCallback}) for a meter that has none, as the Micrometer
 * bridge: each observer an instrument builds is an instrument with a callback of its own, and
 * that callback runs the batch callbacks the observer belongs to and reports what they recorded
 * into it. gRPC's balancer gauges and Switchboard's registry metrics are reported this way.
 * Thread-safe.
 */
final class BatchObservers {
  private BatchObservers() {}

  /** Registers {@code callback} with the observers it reports to; closing removes it. */
  static BatchCallback register(Runnable callback, ObservableMeasurement first,
      ObservableMeasurement... rest) {
    List<Observed> observers = new ArrayList<>();
    for (ObservableMeasurement measurement : concat(first, rest)) {
      if (measurement instanceof Observed observed) {
        observed.callbacks.add(callback);
        observers.add(observed);
      }
    }
    return new BatchCallback() {
      @Override
      public void close() {
        observers.forEach(observed -> observed.callbacks.remove(callback));
      }
    };
  }

  private static List<ObservableMeasurement> concat(ObservableMeasurement first,
      ObservableMeasurement... rest) {
    List<ObservableMeasurement> all = new ArrayList<>(List.of(rest));
    all.add(0, first);
    return all;
  }

  /** An observer: what the batch callbacks record, until its instrument's callback reads it. */
  static final class Observed implements ObservableLongMeasurement, ObservableDoubleMeasurement {
    private final Set<Runnable> callbacks = new CopyOnWriteArraySet<>();
    private final Map<Attributes, Number> recorded = new LinkedHashMap<>();

    @Override
    public synchronized void record(long value) {
      record(value, Attributes.empty());
    }

    @Override
    public synchronized void record(long value, Attributes attributes) {
      recorded.put(attributes, value);
    }

    @Override
    public synchronized void record(double value) {
      record(value, Attributes.empty());
    }

    @Override
    public synchronized void record(double value, Attributes attributes) {
      recorded.put(attributes, value);
    }

    private Map<Attributes, Number> collect() {
      synchronized (this) {
        recorded.clear();
      }
      for (Runnable callback : callbacks) {
        callback.run();
      }
      synchronized (this) {
        return new LinkedHashMap<>(recorded);
      }
    }

    void reportLongs(ObservableLongMeasurement into) {
      collect().forEach((attributes, value) -> into.record(value.longValue(), attributes));
    }

    void reportDoubles(ObservableDoubleMeasurement into) {
      collect().forEach((attributes, value) -> into.record(value.doubleValue(), attributes));
    }
  }

  record LongCounters(LongCounterBuilder delegate) implements LongCounterBuilder {
    @Override
    public LongCounterBuilder setDescription(String description) {
      return new LongCounters(delegate.setDescription(description));
    }

    @Override
    public LongCounterBuilder setUnit(String unit) {
      return new LongCounters(delegate.setUnit(unit));
    }

    @Override
    public DoubleCounterBuilder ofDoubles() {
      return new DoubleCounters(delegate.ofDoubles());
    }

    @Override
    public LongCounter build() {
      return delegate.build();
    }

    @Override
    public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return delegate.buildWithCallback(callback);
    }

    @Override
    public ObservableLongMeasurement buildObserver() {
      Observed observed = new Observed();
      delegate.buildWithCallback(observed::reportLongs);
      return observed;
    }
  }

  record DoubleCounters(DoubleCounterBuilder delegate) implements DoubleCounterBuilder {
    @Override
    public DoubleCounterBuilder setDescription(String description) {
      return new DoubleCounters(delegate.setDescription(description));
    }

    @Override
    public DoubleCounterBuilder setUnit(String unit) {
      return new DoubleCounters(delegate.setUnit(unit));
    }

    @Override
    public DoubleCounter build() {
      return delegate.build();
    }

    @Override
    public ObservableDoubleCounter buildWithCallback(
        Consumer<ObservableDoubleMeasurement> callback) {
      return delegate.buildWithCallback(callback);
    }

    @Override
    public ObservableDoubleMeasurement buildObserver() {
      Observed observed = new Observed();
      delegate.buildWithCallback(observed::reportDoubles);
      return observed;
    }
  }

  record LongUpDowns(LongUpDownCounterBuilder delegate) implements LongUpDownCounterBuilder {
    @Override
    public LongUpDownCounterBuilder setDescription(String description) {
      return new LongUpDowns(delegate.setDescription(description));
    }

    @Override
    public LongUpDownCounterBuilder setUnit(String unit) {
      return new LongUpDowns(delegate.setUnit(unit));
    }

    @Override
    public DoubleUpDownCounterBuilder ofDoubles() {
      return new DoubleUpDowns(delegate.ofDoubles());
    }

    @Override
    public LongUpDownCounter build() {
      return delegate.build();
    }

    @Override
    public ObservableLongUpDownCounter buildWithCallback(
        Consumer<ObservableLongMeasurement> callback) {
      return delegate.buildWithCallback(callback);
    }

    @Override
    public ObservableLongMeasurement buildObserver() {
      Observed observed = new Observed();
      delegate.buildWithCallback(observed::reportLongs);
      return observed;
    }
  }

  record DoubleUpDowns(DoubleUpDownCounterBuilder delegate)
      implements DoubleUpDownCounterBuilder {
    @Override
    public DoubleUpDownCounterBuilder setDescription(String description) {
      return new DoubleUpDowns(delegate.setDescription(description));
    }

    @Override
    public DoubleUpDownCounterBuilder setUnit(String unit) {
      return new DoubleUpDowns(delegate.setUnit(unit));
    }

    @Override
    public DoubleUpDownCounter build() {
      return delegate.build();
    }

    @Override
    public ObservableDoubleUpDownCounter buildWithCallback(
        Consumer<ObservableDoubleMeasurement> callback) {
      return delegate.buildWithCallback(callback);
    }

    @Override
    public ObservableDoubleMeasurement buildObserver() {
      Observed observed = new Observed();
      delegate.buildWithCallback(observed::reportDoubles);
      return observed;
    }
  }

  record DoubleGauges(DoubleGaugeBuilder delegate) implements DoubleGaugeBuilder {
    @Override
    public DoubleGaugeBuilder setDescription(String description) {
      return new DoubleGauges(delegate.setDescription(description));
    }

    @Override
    public DoubleGaugeBuilder setUnit(String unit) {
      return new DoubleGauges(delegate.setUnit(unit));
    }

    @Override
    public LongGaugeBuilder ofLongs() {
      return new LongGauges(delegate.ofLongs());
    }

    @Override
    public ObservableDoubleGauge buildWithCallback(
        Consumer<ObservableDoubleMeasurement> callback) {
      return delegate.buildWithCallback(callback);
    }

    @Override
    public ObservableDoubleMeasurement buildObserver() {
      Observed observed = new Observed();
      delegate.buildWithCallback(observed::reportDoubles);
      return observed;
    }
  }

  record LongGauges(LongGaugeBuilder delegate) implements LongGaugeBuilder {
    @Override
    public LongGaugeBuilder setDescription(String description) {
      return new LongGauges(delegate.setDescription(description));
    }

    @Override
    public LongGaugeBuilder setUnit(String unit) {
      return new LongGauges(delegate.setUnit(unit));
    }

    @Override
    public ObservableLongGauge buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return delegate.buildWithCallback(callback);
    }

    @Override
    public ObservableLongMeasurement buildObserver() {
      Observed observed = new Observed();
      delegate.buildWithCallback(observed::reportLongs);
      return observed;
    }
  }
}
