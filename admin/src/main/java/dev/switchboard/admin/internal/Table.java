package dev.switchboard.admin.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A plain text table: a header and rows, columns padded to their widest cell, two spaces apart.
 * Cells are registry data made safe for a terminal ({@link Texts#terminal}); a column may be
 * coloured after padding, so colours never break the alignment. Not thread-safe.
 */
public final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<UnaryOperator<String>> styles = new ArrayList<>();

  public Table(String... header) {
    this.header = List.of(header);
    for (int i = 0; i < header.length; i++) {
      styles.add(UnaryOperator.identity());
    }
  }

  /** Styles column {@code index} (applied to the cell's text, padding excluded). */
  public Table style(int index, UnaryOperator<String> style) {
    styles.set(index, style);
    return this;
  }

  public Table row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(Texts.terminal(cell == null ? "-" : cell.toString()));
    }
    rows.add(row);
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintStream out, Ansi ansi) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length && i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    out.println(line(header, widths, ansi, true));
    for (List<String> row : rows) {
      out.println(line(row, widths, ansi, false));
    }
  }

  private String line(List<String> cells, int[] widths, Ansi ansi, boolean isHeader) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String cell = i < cells.size() ? cells.get(i) : "";
      String shown = isHeader ? ansi.bold(cell) : ansi.enabled() ? styles.get(i).apply(cell) : cell;
      line.append(shown);
      if (i < widths.length - 1) {
        line.append(" ".repeat(widths[i] - cell.length() + 2));
      }
    }
    return line.toString().stripTrailing();
  }
}
