package dev.switchboard.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class PanelTest {

  @Test
  void legendsAreWrittenAsGrafanaWritesThem() {
    Panel.Query query = new Panel.Query("x", "fallback {{kind}}: {{ method }} {{missing}}",
        window -> Map.of());

    assertThat(query.legendOf(Map.of("kind", "cache", "method", "m$1")))
        .isEqualTo("fallback cache: m$1");
  }

  @Test
  void evaluatesEveryFullWindowAtItsLastScrape() {
    List<Scrape> scrapes = List.of(
        Scrape.parse(0, "c_total{i=\"a\"} 0"),
        Scrape.parse(1, "c_total{i=\"a\"} 10"),
        Scrape.parse(2, "c_total{i=\"a\"} 30"),
        Scrape.parse(3, "c_total{i=\"a\"} 60"));
    Panel panel = new Panel("p", "P", Panel.Unit.PER_SECOND, List.of(new Panel.Query(
        "sum by (i) (rate(c_total[1m]))", "{{i}}",
        window -> SeriesMath.sumBy(SeriesMath.rate(window, "c_total", labels -> true), "i"))));

    Map<String, SortedMap<Double, Double>> lines = panel.evaluate(scrapes, 3,
        labels -> Map.of("i", labels.get("i").toUpperCase()));

    assertThat(lines).containsOnlyKeys("A");
    assertThat(lines.get("A")).containsExactly(Map.entry(2.0, 15.0), Map.entry(3.0, 25.0));
  }
}
