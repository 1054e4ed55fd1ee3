package dev.switchboard.jmh.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The markdown {@code SubsetSimulation} writes, with its figures parsed: the fleet's size and,
 * per algorithm and subset size k, the connections per provider.
 *
 * <p>Immutable.
 *
 * @param markdown the markdown as written
 * @param clients C, the clients
 * @param providers N, the providers
 * @param rows its rows, in file order
 */
record SubsetSimTable(String markdown, int clients, int providers, List<Row> rows) {
  private static final Pattern FLEET = Pattern.compile("(\\d+) clients, (\\d+) providers");

  SubsetSimTable {
    rows = List.copyOf(rows);
  }

  /**
   * One row. Immutable.
   *
   * @param algorithm e.g. {@code random (rendezvous hashing)}
   * @param k the subset size
   * @param max the most connections a provider has
   * @param mean the mean connections per provider
   */
  record Row(String algorithm, int k, int max, double mean) {
    /** Returns whether this is the random (rendezvous) subsetting Switchboard ships. */
    boolean random() {
      return algorithm.startsWith("random");
    }
  }

  /**
   * Parses {@code SubsetSimulation}'s output.
   *
   * @throws IllegalArgumentException if it does not state the fleet or has no data row
   */
  static SubsetSimTable parse(String markdown) {
    Matcher fleet = FLEET.matcher(markdown);
    if (!fleet.find()) {
      throw new IllegalArgumentException("no fleet size (N clients, N providers)");
    }
    List<Row> rows = new ArrayList<>();
    for (String line : markdown.split("\n")) {
      String[] cells = HashQualityTable.cells(line);
      if (cells.length >= 5 && cells[1].matches("\\d+")) {
        rows.add(new Row(cells[0], Integer.parseInt(cells[1]), Integer.parseInt(cells[3]),
            Double.parseDouble(cells[4])));
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no subsetting rows (| algorithm | k | ...)");
    }
    return new SubsetSimTable(markdown, Integer.parseInt(fleet.group(1)),
        Integer.parseInt(fleet.group(2)), rows);
  }
}
