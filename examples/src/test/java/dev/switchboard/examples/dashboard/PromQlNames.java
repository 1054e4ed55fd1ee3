package dev.switchboard.examples.dashboard;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric and label names a PromQL expression of the dashboard refers to, found well enough
 * for the dashboard's own queries (selectors, {@code by}/{@code ignoring} groupings, functions,
 * binary operators); not a PromQL parser.
 */
final class PromQlNames {
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
  private static final Pattern MATCHER_LABEL = Pattern.compile("([A-Za-z_]\\w*)\\s*(?:=~|!~|!=|=)");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING = Pattern.compile(
      "\\b(?:by|without|ignoring|on|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([A-Za-z_:][\\w:]*)(\\s*\\()?");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "ignoring", "on",
      "group_left", "group_right", "bool", "offset", "and", "or", "unless");

  private final Set<String> metrics = new LinkedHashSet<>();
  private final Set<String> labels = new LinkedHashSet<>();

  private PromQlNames(String expr) {
    Matcher matchers = MATCHERS.matcher(expr);
    while (matchers.find()) {
      Matcher label = MATCHER_LABEL.matcher(STRING.matcher(matchers.group(1)).replaceAll("\"\""));
      while (label.find()) {
        labels.add(label.group(1));
      }
    }
    String rest = RANGE.matcher(MATCHERS.matcher(STRING.matcher(expr).replaceAll("\"\""))
        .replaceAll(" ")).replaceAll(" ");
    Matcher grouping = GROUPING.matcher(rest);
    while (grouping.find()) {
      for (String name : grouping.group(1).split(",")) {
        if (!name.isBlank()) {
          labels.add(name.strip());
        }
      }
    }
    Matcher identifier = IDENTIFIER.matcher(GROUPING.matcher(rest).replaceAll(" "));
    while (identifier.find()) {
      if (identifier.group(2) == null && !KEYWORDS.contains(identifier.group(1))) {
        metrics.add(identifier.group(1));
      }
    }
  }

  static PromQlNames of(String expr) {
    return new PromQlNames(expr);
  }

  /** Returns the metric names selected. */
  Set<String> metrics() {
    return metrics;
  }

  /** Returns the label names matched on or grouped by. */
  Set<String> labels() {
    return labels;
  }
}
