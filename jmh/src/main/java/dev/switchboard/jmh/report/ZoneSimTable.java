package dev.switchboard.jmh.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The markdown {@code ZoneSimulation} writes, with its rows parsed: per scenario (its
 * {@code ###} heading), balancer and routing, the share of requests that crossed zones and the
 * latency percentiles.
 *
 * <p>Immutable.
 *
 * @param markdown the markdown as written
 * @param rows its rows, in file order
 */
record ZoneSimTable(String markdown, List<Row> rows) {

  ZoneSimTable {
    rows = List.copyOf(rows);
  }

  /**
   * One row. Immutable.
   *
   * @param scenario the scenario's heading, e.g. {@code zone A is 3× slower (…)}
   * @param balancer e.g. {@code sb-wrr}
   * @param zoneAware whether routing preferred the clients' zone
   * @param crossZone the share of requests sent to the other zone
   * @param p99Millis the 99th percentile latency, ms
   */
  record Row(String scenario, String balancer, boolean zoneAware, double crossZone,
      double p99Millis) {}

  /**
   * Parses {@code ZoneSimulation}'s output.
   *
   * @throws IllegalArgumentException if it has no data row
   */
  static ZoneSimTable parse(String markdown) {
    List<Row> rows = new ArrayList<>();
    String scenario = "";
    for (String line : markdown.split("\n")) {
      if (line.startsWith("### ")) {
        scenario = line.substring(4).strip();
      }
      String[] cells = HashQualityTable.cells(line);
      if (cells.length >= 6 && cells[1].startsWith("zone-")) {
        rows.add(new Row(scenario, cells[0], cells[1].equals("zone-aware"),
            HashQualityTable.percent(cells[2]), Double.parseDouble(cells[5])));
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no zone simulation rows (| balancer | routing | ...)");
    }
    return new ZoneSimTable(markdown, rows);
  }

  /** Returns the scenarios, in file order. */
  List<String> scenarios() {
    return rows.stream().map(Row::scenario).distinct().toList();
  }
}
