package dev.switchboard.jmh.report;

import dev.switchboard.jmh.discovery.DiscoveryTimings;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The markdown {@code DiscoveryTimings} writes, with the figures the targets need parsed:
 * registration → first pick, p50 and max over the rounds, and the scale table.
 *
 * <p>Immutable.
 *
 * @param markdown the markdown as written
 * @param rounds the rounds measured, or 0 if not stated
 * @param firstPickP50 registration → first pick, median, ms
 * @param firstPickMax registration → first pick, worst round, ms
 * @param scale the scale table, if there is one
 */
record DiscoveryTable(String markdown, int rounds, OptionalDouble firstPickP50,
    OptionalDouble firstPickMax, Optional<Scale> scale) {
  private static final Pattern ROUNDS = Pattern.compile("(?m)^(\\d+) rounds\\b");
  private static final Pattern SCALE = Pattern.compile(
      "(?m)^### (\\d+) services × (\\d+) instances(?:, (\\d+)-node ensemble)?");
  private static final Pattern SESSIONS = Pattern.compile("\\((\\d+) sessions\\)");
  private static final Pattern NUMBER = Pattern.compile("^[\\d,]+(?:\\.\\d+)?");
  private static final Pattern FEWEST = Pattern.compile("^(\\d+) of (\\d+)$");
  /** How the scale table's timed rows start, in {@link Scale}'s order. */
  private static final List<String> SCALE_ROWS = List.of(DiscoveryTimings.REGISTER_ROW,
      DiscoveryTimings.CONVERGE_ROW, DiscoveryTimings.HEAP_ROW, DiscoveryTimings.RECONNECT_ROW,
      DiscoveryTimings.REREAD_ROW, DiscoveryTimings.LATE_CONVERGE_ROW,
      DiscoveryTimings.COLD_REGISTER_ROW);

  /**
   * The scale table: a consumer of many services on a ZooKeeper ensemble. Each figure is empty
   * if its row is missing (an older format). Immutable.
   *
   * @param services the services watched
   * @param instances the instances of each
   * @param ensemble the ensemble's servers, 0 if not stated (a single server)
   * @param sessions the sessions that registered the instances, 0 if not stated
   * @param registerSeconds how long registering every instance took, the ensemble warm
   * @param convergeSeconds a new consumer's watches, until each has every instance
   * @param heapMegabytes the consumer's heap for them
   * @param reconnectSeconds the whole ensemble restarted: until the existing consumer's session
   *     is connected again
   * @param rereadSeconds then until it has read every service again
   * @param lateConvergeSeconds then a new consumer's convergence
   * @param fewest the fewest instances the existing consumer published for a service meanwhile
   * @param fewestOf out of how many
   * @param coldRegisterSeconds how long the same registrations took in the warm-up round before,
   *     the JVM cold
   */
  record Scale(int services, int instances, int ensemble, int sessions,
      OptionalDouble registerSeconds, OptionalDouble convergeSeconds,
      OptionalDouble heapMegabytes, OptionalDouble reconnectSeconds,
      OptionalDouble rereadSeconds, OptionalDouble lateConvergeSeconds, OptionalInt fewest,
      int fewestOf, OptionalDouble coldRegisterSeconds) {}

  /** Parses {@code DiscoveryTimings}' markdown; a missing row leaves its figures empty. */
  static DiscoveryTable parse(String markdown) {
    Matcher rounds = ROUNDS.matcher(markdown);
    OptionalDouble p50 = OptionalDouble.empty();
    OptionalDouble max = OptionalDouble.empty();
    OptionalDouble[] scale = new OptionalDouble[SCALE_ROWS.size()];
    Arrays.fill(scale, OptionalDouble.empty());
    int sessions = 0;
    OptionalInt fewest = OptionalInt.empty();
    int fewestOf = 0;
    for (String line : markdown.split("\n")) {
      String[] cells = HashQualityTable.cells(line);
      if (cells.length < 2) {
        continue;
      }
      String measure = cells[0];
      if (cells.length >= 3 && measure.startsWith("registration")) {
        p50 = number(cells[1]);
        max = number(cells[2]);
      }
      for (int row = 0; row < SCALE_ROWS.size(); row++) {
        if (measure.startsWith(SCALE_ROWS.get(row))) {
          scale[row] = number(cells[1]);
        }
      }
      Matcher count = SESSIONS.matcher(measure);
      if (measure.startsWith(SCALE_ROWS.get(0)) && count.find()) {
        sessions = Integer.parseInt(count.group(1));
      } else if (measure.startsWith(DiscoveryTimings.FEWEST_ROW)) {
        Matcher of = FEWEST.matcher(cells[1]);
        if (of.matches()) {
          fewest = OptionalInt.of(Integer.parseInt(of.group(1)));
          fewestOf = Integer.parseInt(of.group(2));
        }
      }
    }
    Matcher heading = SCALE.matcher(markdown);
    Optional<Scale> table = heading.find() ? Optional.of(new Scale(
        Integer.parseInt(heading.group(1)), Integer.parseInt(heading.group(2)),
        heading.group(3) == null ? 0 : Integer.parseInt(heading.group(3)), sessions, scale[0],
        scale[1], scale[2], scale[3], scale[4], scale[5], fewest, fewestOf, scale[6]))
        : Optional.empty();
    return new DiscoveryTable(markdown, rounds.find() ? Integer.parseInt(rounds.group(1)) : 0,
        p50, max, table);
  }

  /** Reads {@code 1,204.5}, {@code 12.93 s} or {@code 9.9 MB}; {@code never} is infinite. */
  private static OptionalDouble number(String cell) {
    if (cell.equals("never")) { // a round whose provider was never picked: a failure
      return OptionalDouble.of(Double.POSITIVE_INFINITY);
    }
    Matcher number = NUMBER.matcher(cell);
    return number.find() ? OptionalDouble.of(Double.parseDouble(number.group().replace(",", "")))
        : OptionalDouble.empty();
  }
}
