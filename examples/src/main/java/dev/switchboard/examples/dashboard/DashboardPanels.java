package dev.switchboard.examples.dashboard;

import static dev.switchboard.examples.dashboard.SeriesMath.divideIgnoring;
import static dev.switchboard.examples.dashboard.SeriesMath.histogramQuantile;
import static dev.switchboard.examples.dashboard.SeriesMath.increase;
import static dev.switchboard.examples.dashboard.SeriesMath.maxBy;
import static dev.switchboard.examples.dashboard.SeriesMath.minBy;
import static dev.switchboard.examples.dashboard.SeriesMath.rate;
import static dev.switchboard.examples.dashboard.SeriesMath.sumBy;

import dev.switchboard.examples.dashboard.Panel.Query;
import dev.switchboard.examples.dashboard.Panel.Unit;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The panels of {@code examples/grafana/switchboard-dashboard.json}, in its order: each query's
 * PromQL exactly as the JSON holds it (a test compares them) and its computation with
 * {@link SeriesMath}. Where the dashboard says {@code [1m]}, the computation uses the window of
 * scrapes it is given.
 *
 * <p>Stateless; thread-safe.
 */
public final class DashboardPanels {
  private static final Predicate<Map<String, String>> ALL = labels -> true;
  private static final Predicate<Map<String, String>> CLIENT =
      labels -> "client".equals(labels.get("switchboard_role"));

  private DashboardPanels() {}

  /** Returns the panels, in the dashboard's order. */
  public static List<Panel> all() {
    return List.of(trafficSplit(), errorRatio(), latency(), retriesAndFallbacks(),
        failureAccrual(), registry());
  }

  static Panel trafficSplit() {
    return new Panel("traffic-split", "Traffic split per instance", Unit.PER_SECOND, List.of(
        new Query("sum by (switchboard_instance) (rate(switchboard_lb_picks_total[1m]))",
            "{{switchboard_instance}}",
            window -> sumBy(rate(window, "switchboard_lb_picks_total", ALL),
                "switchboard_instance"))));
  }

  static Panel errorRatio() {
    return new Panel("error-ratio", "Error ratio per method", Unit.RATIO, List.of(
        new Query("sum by (grpc_method, grpc_status) (rate(grpc_client_call_duration_seconds_count"
            + "{grpc_status!=\"OK\"}[1m])) / ignoring (grpc_status) group_left sum by (grpc_method)"
            + " (rate(grpc_client_call_duration_seconds_count[1m]))",
            "{{grpc_method}} {{grpc_status}}",
            window -> divideIgnoring(
                sumBy(rate(window, "grpc_client_call_duration_seconds_count",
                    labels -> !"OK".equals(labels.get("grpc_status"))),
                    "grpc_method", "grpc_status"),
                sumBy(rate(window, "grpc_client_call_duration_seconds_count", ALL),
                    "grpc_method"),
                "grpc_status"))));
  }

  static Panel latency() {
    return new Panel("latency-p99", "p99 latency per method", Unit.SECONDS, List.of(
        new Query("histogram_quantile(0.99, sum by (le, grpc_method)"
            + " (rate(grpc_client_call_duration_seconds_bucket[1m])))",
            "{{grpc_method}}",
            window -> histogramQuantile(0.99,
                sumBy(rate(window, "grpc_client_call_duration_seconds_bucket", ALL),
                    SeriesMath.LE, "grpc_method")))));
  }

  static Panel retriesAndFallbacks() {
    return new Panel("retries-fallbacks", "Retries, budget denials and fallbacks",
        Unit.PER_SECOND, List.of(
        new Query("sum by (grpc_method) (rate(grpc_client_call_retries_sum[1m]))",
            "retries: {{grpc_method}}",
            window -> sumBy(rate(window, "grpc_client_call_retries_sum", ALL), "grpc_method")),
        new Query("sum by (switchboard_service) (rate(switchboard_client_retry_budget_denied_total"
            + "[1m]))",
            "denied by the retry budget: {{switchboard_service}}",
            window -> sumBy(rate(window, "switchboard_client_retry_budget_denied_total", ALL),
                "switchboard_service")),
        new Query("sum by (grpc_method, switchboard_fallback_kind)"
            + " (rate(switchboard_client_fallbacks_total[1m]))",
            "fallback {{switchboard_fallback_kind}}: {{grpc_method}}",
            window -> sumBy(rate(window, "switchboard_client_fallbacks_total", ALL),
                "grpc_method", "switchboard_fallback_kind"))));
  }

  static Panel failureAccrual() {
    return new Panel("failure-accrual", "Failure accrual: ejections", Unit.COUNT, List.of(
        new Query("sum by (grpc_target) (switchboard_lb_ejected)",
            "ejected now: {{grpc_target}}",
            window -> sumBy(last(window, "switchboard_lb_ejected", ALL), "grpc_target")),
        new Query("sum by (switchboard_instance) (increase(switchboard_lb_ejections_total[1m]))",
            "ejections: {{switchboard_instance}}",
            window -> sumBy(increase(window, "switchboard_lb_ejections_total", ALL),
                "switchboard_instance")),
        new Query("sum by (switchboard_instance)"
            + " (increase(switchboard_lb_restorations_total[1m]))",
            "restorations: {{switchboard_instance}}",
            window -> sumBy(increase(window, "switchboard_lb_restorations_total", ALL),
                "switchboard_instance")),
        new Query("max by (grpc_target) (switchboard_lb_panic)",
            "panic: {{grpc_target}}",
            window -> maxBy(last(window, "switchboard_lb_panic", ALL), "grpc_target"))));
  }

  static Panel registry() {
    return new Panel("registry", "Registry: session, instances and holds", Unit.COUNT, List.of(
        new Query("min by (switchboard_role) (switchboard_registry_session"
            + "{switchboard_registry_session=\"connected\"})",
            "session connected: {{switchboard_role}}",
            window -> minBy(last(window, "switchboard_registry_session",
                labels -> "connected".equals(labels.get("switchboard_registry_session"))),
                "switchboard_role")),
        new Query("max by (switchboard_service) (switchboard_registry_instances"
            + "{switchboard_role=\"client\"})",
            "instances: {{switchboard_service}}",
            window -> maxBy(last(window, "switchboard_registry_instances", CLIENT),
                "switchboard_service")),
        new Query("max by (switchboard_service) (switchboard_registry_last_known_good"
            + "{switchboard_role=\"client\"})",
            "last known good: {{switchboard_service}}",
            window -> maxBy(last(window, "switchboard_registry_last_known_good", CLIENT),
                "switchboard_service")),
        new Query("sum by (switchboard_service) (increase(switchboard_registry_mass_drop_holds_total"
            + "{switchboard_role=\"client\"}[1m]))",
            "mass-drop holds: {{switchboard_service}}",
            window -> sumBy(increase(window, "switchboard_registry_mass_drop_holds_total", CLIENT),
                "switchboard_service"))));
  }

  /** A gauge: its value in the window's last scrape. */
  private static Map<Map<String, String>, Double> last(List<Scrape> window, String name,
      Predicate<Map<String, String>> matcher) {
    return window.isEmpty() ? Map.of() : window.get(window.size() - 1).series(name, matcher);
  }
}
