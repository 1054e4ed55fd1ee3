package dev.switchboard.examples.dashboard;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One panel of the Grafana dashboard as the pictures draw it: its title, unit, and queries, each
 * with the PromQL the dashboard JSON holds and the same computation over a window of scrapes.
 *
 * <p>Immutable.
 *
 * @param id the picture's file name without {@code .png}, e.g. {@code traffic-split}
 * @param title the panel's title, as in the dashboard JSON
 * @param unit what the values are
 * @param queries the queries, in the dashboard's order
 */
public record Panel(String id, String title, Unit unit, List<Query> queries) {
  /** Copies the queries. */
  public Panel {
    requireNonNull(id, "id");
    requireNonNull(title, "title");
    requireNonNull(unit, "unit");
    queries = List.copyOf(queries);
  }

  /**
   * Computes every query at every scrape from the {@code windowScrapes}-th on, over the window of
   * that many scrapes ending there (so with 1 s scrapes, a window of 3 s takes 4 scrapes).
   *
   * @param relabel turns a series' labels into those its legend is written with
   * @return each legend's values by time (seconds), legends in alphabetical order
   */
  public Map<String, SortedMap<Double, Double>> evaluate(List<Scrape> scrapes, int windowScrapes,
      UnaryOperator<Map<String, String>> relabel) {
    Map<String, SortedMap<Double, Double>> lines = new TreeMap<>();
    for (int end = windowScrapes - 1; end < scrapes.size(); end++) {
      List<Scrape> window = scrapes.subList(end - windowScrapes + 1, end + 1);
      double time = scrapes.get(end).seconds();
      for (Query query : queries) {
        query.evaluate().apply(window).forEach((labels, value) -> lines
            .computeIfAbsent(query.legendOf(relabel.apply(labels)), legend -> new TreeMap<>())
            .put(time, value));
      }
    }
    return lines;
  }

  /** What a panel's values are, with the Grafana unit the dashboard JSON gives them. */
  public enum Unit {
    /** Events per second. */
    PER_SECOND("ops"),
    /** A fraction, drawn as a percentage. */
    RATIO("percentunit"),
    /** Seconds, drawn in milliseconds. */
    SECONDS("s"),
    /** A count or a state (0/1). */
    COUNT("short");

    private final String grafana;

    Unit(String grafana) {
      this.grafana = grafana;
    }

    /** Returns Grafana's name of the unit ({@code fieldConfig.defaults.unit}). */
    public String grafana() {
      return grafana;
    }
  }

  /**
   * One query: the PromQL and legend format of the dashboard, and how the pictures compute it.
   *
   * @param expr the PromQL, exactly as in the dashboard JSON
   * @param legend Grafana's legend format, {@code {{label}}} replaced by the label's value
   * @param evaluate the series the PromQL gives for a window of scrapes (oldest first), by labels
   */
  public record Query(String expr, String legend,
      Function<List<Scrape>, Map<Map<String, String>, Double>> evaluate) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_]\\w*)\\s*}}");

    /** Checks the components. */
    public Query {
      requireNonNull(expr, "expr");
      requireNonNull(legend, "legend");
      requireNonNull(evaluate, "evaluate");
    }

    /** Returns the legend of a series with {@code labels}, as Grafana writes it. */
    public String legendOf(Map<String, String> labels) {
      Matcher matcher = PLACEHOLDER.matcher(legend);
      StringBuilder text = new StringBuilder();
      while (matcher.find()) {
        matcher.appendReplacement(text,
            Matcher.quoteReplacement(labels.getOrDefault(matcher.group(1), "")));
      }
      matcher.appendTail(text);
      return text.toString().strip();
    }
  }
}
