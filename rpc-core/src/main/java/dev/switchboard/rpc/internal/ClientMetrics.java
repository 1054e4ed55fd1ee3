package dev.switchboard.rpc.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An {@code RpcClient}'s own {@code switchboard.client.*} instruments. All are asynchronous:
 * they read counters the call path keeps anyway (the fallback statistics, the retry budgets)
 * when a reader collects, so recording costs the call path nothing. Closing unregisters them.
 * Thread-safe.
 */
public final class ClientMetrics implements AutoCloseable {
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");
  static final AttributeKey<String> SERVICE = AttributeKey.stringKey("switchboard.service");
  static final AttributeKey<String> KIND = AttributeKey.stringKey("switchboard.fallback.kind");

  private final List<AutoCloseable> registrations = new ArrayList<>();

  /**
   * Registers the instruments on {@code meter}, reading {@code fallbacks} and the retry budgets
   * from {@code budgets} (each with its service; several budgets of one service are summed).
   */
  public ClientMetrics(Meter meter, FallbackStats fallbacks,
      Supplier<? extends Iterable<Map.Entry<String, RetryBudgetTracker>>> budgets) {
    registrations.add(meter.counterBuilder("switchboard.client.fallbacks")
        .setDescription("Calls a fallback answered, by method and kind (cache, object, default)")
        .setUnit("{call}")
        .buildWithCallback(measurement -> fallbacks.countsByKind().forEach((key, count) ->
            measurement.record(count, Attributes.of(METHOD, key.method(), KIND, key.kind())))));
    registrations.add(meter.counterBuilder("switchboard.client.retry_budget.granted")
        .setDescription("Retries (failover attempts) the retry budget allowed, by service")
        .setUnit("{attempt}")
        .buildWithCallback(measurement -> perService(budgets.get(),
            RetryBudgetTracker::withdrawals)
            .forEach((service, value) -> measurement.record(value.longValue(), Attributes.of(SERVICE,
                service)))));
    registrations.add(meter.counterBuilder("switchboard.client.retry_budget.denied")
        .setDescription("Retries the retry budget refused (the call failed with its first"
            + " error instead), by service")
        .setUnit("{attempt}")
        .buildWithCallback(measurement -> perService(budgets.get(),
            RetryBudgetTracker::denials)
            .forEach((service, value) -> measurement.record(value.longValue(), Attributes.of(SERVICE,
                service)))));
    registrations.add(meter.gaugeBuilder("switchboard.client.retry_budget.balance")
        .setDescription("Retries the retry budget holds now, by service")
        .setUnit("{attempt}")
        .buildWithCallback(measurement -> perService(budgets.get(),
            RetryBudgetTracker::balance)
            .forEach((service, value) -> measurement.record(value, Attributes.of(SERVICE,
                service)))));
  }

  private static Map<String, Double> perService(
      Iterable<Map.Entry<String, RetryBudgetTracker>> budgets,
      java.util.function.ToDoubleFunction<RetryBudgetTracker> figure) {
    Map<String, Double> sums = new java.util.TreeMap<>();
    for (Map.Entry<String, RetryBudgetTracker> budget : budgets) {
      sums.merge(budget.getKey(), figure.applyAsDouble(budget.getValue()), Double::sum);
    }
    return sums;
  }

  /** Unregisters the instruments. Idempotent. */
  @Override
  public synchronized void close() {
    for (AutoCloseable registration : registrations) {
      try {
        registration.close();
      } catch (Exception e) {
        // an instrument's callback registration has nothing else to release
      }
    }
    registrations.clear();
  }
}
