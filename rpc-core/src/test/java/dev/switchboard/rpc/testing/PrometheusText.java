package dev.switchboard.rpc.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), as a Prometheus
 * server reads it: every line must be a {@code # HELP}, a {@code # TYPE}, a comment or a sample
 * of a declared family ({@code _total}, {@code _bucket}, {@code _sum}, {@code _count} and
 * {@code _created} belonging to their counter, histogram or summary), with valid metric and
 * label names, escapes and values; a histogram's buckets carry {@code le} and end at
 * {@code +Inf}. Anything else throws, naming the line. Immutable once parsed.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped", "info", "stateset");
  private static final List<String> SUFFIXES =
      List.of("_total", "_created", "_bucket", "_sum", "_count", "_info");

  /** A metric family: its name, type and help. */
  public record Family(String name, String type, String help) {}

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final Map<String, Family> families;
  private final List<Sample> samples;

  private PrometheusText(Map<String, Family> families, List<Sample> samples) {
    this.families = Map.copyOf(families);
    this.samples = List.copyOf(samples);
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming the first bad line. */
  public static PrometheusText parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      try {
        if (line.startsWith("# HELP ")) {
          String[] parts = line.substring(7).split(" ", 2);
          checkName(parts[0]);
          help.put(parts[0], parts.length > 1 ? parts[1] : "");
        } else if (line.startsWith("# TYPE ")) {
          String[] parts = line.substring(7).split(" ");
          if (parts.length != 2 || !TYPES.contains(parts[1])) {
            throw new IllegalArgumentException("bad TYPE line");
          }
          checkName(parts[0]);
          if (families.containsKey(parts[0])) {
            throw new IllegalArgumentException("family " + parts[0] + " declared twice");
          }
          families.put(parts[0], new Family(parts[0], parts[1], help.getOrDefault(parts[0], "")));
        } else if (line.startsWith("#")) {
          continue; // a comment
        } else {
          Sample sample = sample(line);
          if (familyOf(sample.name(), families) == null) {
            throw new IllegalArgumentException("sample of undeclared family " + sample.name());
          }
          samples.add(sample);
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "': "
            + e.getMessage(), e);
      }
    }
    for (Family family : families.values()) {
      if (family.type().equals("histogram")) {
        checkHistogram(family, samples);
      }
    }
    return new PrometheusText(families, samples);
  }

  /** Returns the families by name. */
  public Map<String, Family> families() {
    return families;
  }

  /** Returns the samples named {@code name}. */
  public List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  private static Family familyOf(String sample, Map<String, Family> families) {
    Family exact = families.get(sample);
    if (exact != null) {
      return exact;
    }
    for (String suffix : SUFFIXES) {
      if (sample.endsWith(suffix)) {
        Family family = families.get(sample.substring(0, sample.length() - suffix.length()));
        if (family != null) {
          return family;
        }
      }
    }
    return null;
  }

  private static void checkHistogram(Family family, List<Sample> samples) {
    List<Sample> buckets = samples.stream()
        .filter(s -> s.name().equals(family.name() + "_bucket")).toList();
    for (Sample bucket : buckets) {
      if (!bucket.labels().containsKey("le")) {
        throw new IllegalArgumentException("histogram " + family.name() + " bucket without le");
      }
    }
    if (!buckets.isEmpty() && buckets.stream().noneMatch(b -> b.labels().get("le")
        .equals("+Inf"))) {
      throw new IllegalArgumentException("histogram " + family.name() + " has no +Inf bucket");
    }
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    String rest;
    if (brace >= 0 && (space < 0 || brace < space)) {
      name = line.substring(0, brace);
      int end = labels(line, brace + 1, labels);
      rest = line.substring(end + 1);
    } else {
      if (space < 0) {
        throw new IllegalArgumentException("no value");
      }
      name = line.substring(0, space);
      rest = line.substring(space);
    }
    checkName(name);
    if (!rest.startsWith(" ")) {
      throw new IllegalArgumentException("no space before the value");
    }
    String[] parts = rest.trim().split(" ");
    if (parts.length > 2) {
      throw new IllegalArgumentException("trailing text");
    }
    double value = value(parts[0]);
    if (parts.length == 2) {
      Long.parseLong(parts[1]); // a timestamp in milliseconds
    }
    return new Sample(name, labels, value);
  }

  // Parses name="value" pairs from index start; returns the index of the closing brace.
  private static int labels(String line, int start, Map<String, String> labels) {
    int i = start;
    while (true) {
      if (i >= line.length()) {
        throw new IllegalArgumentException("unclosed labels");
      }
      if (line.charAt(i) == '}') {
        return i;
      }
      int equals = line.indexOf('=', i);
      if (equals < 0) {
        throw new IllegalArgumentException("label without value");
      }
      String labelName = line.substring(i, equals);
      if (!LABEL_NAME.matcher(labelName).matches()) {
        throw new IllegalArgumentException("bad label name '" + labelName + "'");
      }
      if (equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
        throw new IllegalArgumentException("label value not quoted");
      }
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      for (; j < line.length() && line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\') {
          char next = line.charAt(++j);
          switch (next) {
            case '\\' -> value.append('\\');
            case '"' -> value.append('"');
            case 'n' -> value.append('\n');
            default -> throw new IllegalArgumentException("bad escape \\" + next);
          }
        } else {
          value.append(c);
        }
      }
      if (j >= line.length()) {
        throw new IllegalArgumentException("unterminated label value");
      }
      if (labels.put(labelName, value.toString()) != null) {
        throw new IllegalArgumentException("label " + labelName + " repeated");
      }
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  private static void checkName(String name) {
    Matcher matcher = NAME.matcher(name);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("bad metric name '" + name + "'");
    }
  }
}
