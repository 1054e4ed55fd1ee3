package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.EndpointHealth;
import dev.switchboard.rpc.EndpointAttributes;
import dev.switchboard.rpc.Explanation;
import java.util.List;
import java.util.Locale;

/**
 * What every Switchboard picker says about endpoints in an {@link Explanation}: their names and
 * why one was left out of a picker. Used only on the explained path, never on an ordinary pick.
 * Stateless.
 */
final class ExplainFacts {
  /** The {@code refused} fact of an attempt that the retry budget or the deadline did not admit. */
  static final String REFUSED = "retry_budget_or_deadline";

  private ExplainFacts() {}

  /** Returns the endpoint's registry instance id, else its address. */
  static String label(EndpointView endpoint) {
    return label(endpoint.attributes(), endpoint.name());
  }

  /**
   * Returns the instance id the registry gave an endpoint, else its address {@code name}: how
   * explanations and the per-instance metrics name it.
   */
  static String label(io.grpc.Attributes attributes, String name) {
    String id = attributes.get(EndpointAttributes.INSTANCE_ID);
    return id != null ? id : name;
  }

  /**
   * Returns why calls may not go to {@code endpoint} ({@code ejected} by failure accrual,
   * {@code probing} after its ejection, {@code other-zone} when zone-aware routing keeps calls
   * in the caller's zone, or its state when not READY: {@code connecting},
   * {@code idle}, {@code transient_failure}), or {@code null} if they may.
   */
  static String exclusion(EndpointView endpoint) {
    if (endpoint.usable()) {
      return null;
    }
    if (endpoint.outOfZone()) {
      return "other-zone";
    }
    if (!endpoint.ready()) {
      return endpoint.state().name().toLowerCase(Locale.ROOT);
    }
    return endpoint.load().health().state() == EndpointHealth.PROBING ? "probing" : "ejected";
  }

  /** Returns {@code [label: reason, ...]} over the endpoints of {@code all} that are left out. */
  static String excluded(List<EndpointView> all) {
    StringBuilder text = new StringBuilder("[");
    for (EndpointView endpoint : all) {
      String reason = exclusion(endpoint);
      if (reason != null) {
        text.append(text.length() > 1 ? ", " : "").append(label(endpoint)).append(": ")
            .append(reason);
      }
    }
    return text.append(']').toString();
  }

  /** Returns nanoseconds as milliseconds with two decimals, e.g. {@code 0.31ms}. */
  static String millis(double nanos) {
    return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
  }

  /** Returns a number with up to two decimals, e.g. {@code 1.5}. */
  static String number(double value) {
    return String.format(Locale.ROOT, "%.2f", value).replaceAll("\\.?0+$", "");
  }
}
