package dev.switchboard.jmh.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The markdown table {@code HashQuality} prints, with its rows parsed: per balancer and endpoint
 * count, max/avg keys per endpoint and the fractions of keys that move.
 *
 * <p>Immutable.
 *
 * @param markdown the table as printed
 * @param rows its rows
 */
record HashQualityTable(String markdown, List<Row> rows) {

  HashQualityTable {
    rows = List.copyOf(rows);
  }

  /**
   * One row. Immutable.
   *
   * @param balancer e.g. {@code switchboard_consistent_hash}
   * @param endpoints N
   * @param maxOverAvg the busiest endpoint's keys over the average
   * @param removedMoved the fraction of keys that move when one of N endpoints is removed
   * @param survivorsMoved the fraction of keys that move between endpoints that stayed
   * @param addedMoved the fraction of keys that move when one is added
   */
  record Row(String balancer, int endpoints, double maxOverAvg, double removedMoved,
      double survivorsMoved, double addedMoved) {

    /** Returns the keys moved by a removal in units of the ideal 1/N. */
    double removedMovedTimesN() {
      return removedMoved * endpoints;
    }
  }

  /**
   * Parses {@code HashQuality}'s output.
   *
   * @throws IllegalArgumentException if it has no data row
   */
  static HashQualityTable parse(String markdown) {
    List<Row> rows = new ArrayList<>();
    for (String line : markdown.split("\n")) {
      String[] cells = cells(line);
      if (cells.length < 6 || !cells[1].matches("\\d+")) {
        continue;
      }
      rows.add(new Row(cells[0], Integer.parseInt(cells[1]), Double.parseDouble(cells[2]),
          percent(cells[3]), percent(cells[4]), percent(cells[5])));
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no hash-quality rows (| balancer | N | max/avg | ...)");
    }
    return new HashQualityTable(markdown, rows);
  }

  /** Returns the row of {@code balancer} at {@code endpoints}. */
  Optional<Row> row(String balancer, int endpoints) {
    return rows.stream()
        .filter(r -> r.balancer().equals(balancer) && r.endpoints() == endpoints).findFirst();
  }

  /** Returns the rows of {@code balancer}, by N. */
  List<Row> rows(String balancer) {
    return rows.stream().filter(r -> r.balancer().equals(balancer)).toList();
  }

  /** Returns the cells of a markdown table line, trimmed, or none. */
  static String[] cells(String line) {
    String trimmed = line.trim();
    if (!trimmed.startsWith("|") || !trimmed.endsWith("|") || trimmed.length() < 2) {
      return new String[0];
    }
    String[] cells = trimmed.substring(1, trimmed.length() - 1).split("\\|");
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cells[i].trim();
    }
    return cells;
  }

  /** Parses {@code 10.35 % (10.00 %)} or {@code 0.27 %} as a fraction (0.1035). */
  static double percent(String cell) {
    String number = cell.substring(0, cell.indexOf('%')).trim();
    return Double.parseDouble(number) / 100;
  }
}
