package dev.switchboard.jmh.report;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The markdown {@code DiscoveryTimings} writes, with the figure the targets need parsed:
 * registration → first pick, p50 and max over the rounds.
 *
 * <p>Immutable.
 *
 * @param markdown the markdown as written
 * @param rounds the rounds measured, or 0 if not stated
 * @param firstPickP50 registration → first pick, median, ms
 * @param firstPickMax registration → first pick, worst round, ms
 */
record DiscoveryTable(String markdown, int rounds, OptionalDouble firstPickP50,
    OptionalDouble firstPickMax) {
  private static final Pattern ROUNDS = Pattern.compile("(?m)^(\\d+) rounds\\b");

  /** Parses {@code DiscoveryTimings}' markdown; a missing row leaves its figures empty. */
  static DiscoveryTable parse(String markdown) {
    Matcher rounds = ROUNDS.matcher(markdown);
    OptionalDouble p50 = OptionalDouble.empty();
    OptionalDouble max = OptionalDouble.empty();
    for (String line : markdown.split("\n")) {
      String[] cells = HashQualityTable.cells(line);
      if (cells.length >= 3 && cells[0].startsWith("registration")) {
        p50 = number(cells[1]);
        max = number(cells[2]);
      }
    }
    return new DiscoveryTable(markdown, rounds.find() ? Integer.parseInt(rounds.group(1)) : 0,
        p50, max);
  }

  private static OptionalDouble number(String cell) {
    if (cell.equals("never")) { // a round whose provider was never picked: a failure
      return OptionalDouble.of(Double.POSITIVE_INFINITY);
    }
    try {
      return OptionalDouble.of(Double.parseDouble(cell.replace(",", "")));
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }
}
