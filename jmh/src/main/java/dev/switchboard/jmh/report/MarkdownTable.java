package dev.switchboard.jmh.report;

import java.util.ArrayList;
import java.util.List;

/** A markdown table built row by row. Not thread-safe. */
final class MarkdownTable {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  MarkdownTable(String... headers) {
    this.headers = List.of(headers);
  }

  /**
   * Adds a row.
   *
   * @throws IllegalArgumentException if it has more cells than the table has columns
   */
  MarkdownTable row(Object... cells) {
    if (cells.length > headers.size()) {
      throw new IllegalArgumentException(cells.length + " cells for " + headers.size()
          + " columns: " + List.of(cells));
    }
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(String.valueOf(cell));
    }
    while (row.size() < headers.size()) {
      row.add("");
    }
    rows.add(row);
    return this;
  }

  /** Returns whether no row was added. */
  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Returns the table, ending with a newline. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    line(out, headers);
    out.append('|');
    for (int i = 0; i < headers.size(); i++) {
      out.append("---|");
    }
    out.append('\n');
    for (List<String> row : rows) {
      line(out, row);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells) {
    out.append('|');
    for (String cell : cells) {
      out.append(' ').append(cell.replace("|", "\\|").replace("\n", " ")).append(" |");
    }
    out.append('\n');
  }
}
