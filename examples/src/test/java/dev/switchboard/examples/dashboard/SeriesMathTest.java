package dev.switchboard.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesMathTest {
  private static final Map<String, String> A = Map.of("instance", "a", "method", "m1");
  private static final Map<String, String> B = Map.of("instance", "b", "method", "m1");
  private static final Map<String, String> C = Map.of("instance", "c", "method", "m2");

  private static Scrape scrape(double seconds, String text) {
    return Scrape.parse(seconds, text);
  }

  @Test
  void rateIsTheIncreaseOverTheWindowPerSecondAndSurvivesACounterReset() {
    List<Scrape> window = List.of(
        scrape(0, "picks_total{instance=\"a\",method=\"m1\"} 10"),
        scrape(1, "picks_total{instance=\"a\",method=\"m1\"} 20"),
        scrape(2, "picks_total{instance=\"a\",method=\"m1\"} 5"), // the process restarted
        scrape(3, "picks_total{instance=\"a\",method=\"m1\"} 15"));

    assertThat(SeriesMath.increase(window, "picks_total", labels -> true))
        .containsExactly(Map.entry(A, 25.0));
    assertThat(SeriesMath.rate(window, "picks_total", labels -> true).get(A))
        .isCloseTo(25.0 / 3, within(1e-9));
  }

  @Test
  void aSeriesThatAppearsWithinTheWindowCountsFromZero() {
    List<Scrape> window = List.of(
        scrape(0, "x_total{instance=\"a\",method=\"m1\"} 100"),
        scrape(1, "x_total{instance=\"a\",method=\"m1\"} 100"),
        scrape(2, "x_total{instance=\"a\",method=\"m1\"} 100\nx_total{instance=\"b\",method=\"m1\"} 4"),
        scrape(4, "x_total{instance=\"a\",method=\"m1\"} 100\nx_total{instance=\"b\",method=\"m1\"} 6"));

    assertThat(SeriesMath.rate(window, "x_total", labels -> true))
        .containsExactly(Map.entry(A, 0.0), Map.entry(B, 6.0 / 4));
  }

  @Test
  void rateNeedsTwoScrapesAndOnlyMatchingSeries() {
    Scrape one = scrape(0, "x_total{instance=\"a\",method=\"m1\"} 1\nx_total{instance=\"c\",method=\"m2\"} 1");
    Scrape two = scrape(2, "x_total{instance=\"a\",method=\"m1\"} 3\nx_total{instance=\"c\",method=\"m2\"} 9");

    assertThat(SeriesMath.rate(List.of(one), "x_total", labels -> true)).isEmpty();
    assertThat(SeriesMath.rate(List.of(one, two), "x_total",
        labels -> "m2".equals(labels.get("method")))).containsExactly(Map.entry(C, 4.0));
  }

  @Test
  void aggregatesByLabels() {
    Map<Map<String, String>, Double> series = Map.of(A, 1.0, B, 2.0, C, 5.0);

    assertThat(SeriesMath.sumBy(series, "method")).containsOnly(
        Map.entry(Map.of("method", "m1"), 3.0), Map.entry(Map.of("method", "m2"), 5.0));
    assertThat(SeriesMath.maxBy(series, "method")).containsEntry(Map.of("method", "m1"), 2.0);
    assertThat(SeriesMath.minBy(series, "method")).containsEntry(Map.of("method", "m1"), 1.0);
    assertThat(SeriesMath.sumBy(series)).containsOnly(Map.entry(Map.of(), 8.0));
  }

  @Test
  void dividesOneToManyIgnoringALabel() {
    Map<Map<String, String>, Double> errors = Map.of(
        Map.of("method", "m1", "status", "INTERNAL"), 1.0,
        Map.of("method", "m1", "status", "UNAVAILABLE"), 3.0,
        Map.of("method", "m2", "status", "INTERNAL"), 1.0);
    Map<Map<String, String>, Double> calls = Map.of(Map.of("method", "m1"), 10.0,
        Map.of("method", "m2"), 0.0);

    Map<Map<String, String>, Double> ratio = SeriesMath.divideIgnoring(errors, calls, "status");

    assertThat(ratio).containsEntry(Map.of("method", "m1", "status", "INTERNAL"), 0.1)
        .containsEntry(Map.of("method", "m1", "status", "UNAVAILABLE"), 0.3);
    assertThat(ratio.get(Map.of("method", "m2", "status", "INTERNAL"))).isNaN();
  }

  @Test
  void quantileInterpolatesWithinTheBucketLikePrometheus() {
    Map<Double, Double> buckets = Map.of(0.1, 10.0, 0.2, 20.0, 0.5, 30.0,
        Double.POSITIVE_INFINITY, 40.0);

    assertThat(SeriesMath.quantile(0.25, buckets)).isCloseTo(0.1, within(1e-12));
    assertThat(SeriesMath.quantile(0.5, buckets)).isCloseTo(0.2, within(1e-12));
    assertThat(SeriesMath.quantile(0.6, buckets)).isCloseTo(0.32, within(1e-12));
    assertThat(SeriesMath.quantile(0.05, buckets)).isCloseTo(0.02, within(1e-12));
    // in the +Inf bucket: the highest finite bound
    assertThat(SeriesMath.quantile(0.99, buckets)).isEqualTo(0.5);
  }

  @Test
  void quantileEdgeCasesAreThoseOfPrometheus() {
    Map<Double, Double> buckets = Map.of(1.0, 5.0, Double.POSITIVE_INFINITY, 5.0);

    assertThat(SeriesMath.quantile(-0.1, buckets)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(SeriesMath.quantile(1.1, buckets)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(SeriesMath.quantile(Double.NaN, buckets)).isNaN();
    assertThat(SeriesMath.quantile(0.5, Map.of(1.0, 5.0, 2.0, 6.0))).as("no +Inf bucket").isNaN();
    assertThat(SeriesMath.quantile(0.5, Map.of(Double.POSITIVE_INFINITY, 5.0))).isNaN();
    assertThat(SeriesMath.quantile(0.5, Map.of(1.0, 0.0, Double.POSITIVE_INFINITY, 0.0)))
        .as("no observations").isNaN();
    assertThat(SeriesMath.quantile(0.5, Map.of(0.0, 4.0, 1.0, 4.0,
        Double.POSITIVE_INFINITY, 4.0))).as("first bound not above zero").isEqualTo(0.0);
    // a bucket count lower than the one before (a scrape racing an observation) is raised
    assertThat(SeriesMath.quantile(0.5, Map.of(1.0, 10.0, 2.0, 8.0,
        Double.POSITIVE_INFINITY, 10.0))).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void histogramQuantileGroupsBucketSeriesByTheirOtherLabels() {
    Scrape from = scrape(0, """
        d_bucket{method="m1",le="0.01"} 0
        d_bucket{method="m1",le="0.1"} 0
        d_bucket{method="m1",le="+Inf"} 0
        d_bucket{method="m2",le="0.01"} 0
        d_bucket{method="m2",le="0.1"} 0
        d_bucket{method="m2",le="+Inf"} 0
        """);
    Scrape to = scrape(1, """
        d_bucket{method="m1",le="0.01"} 50
        d_bucket{method="m1",le="0.1"} 100
        d_bucket{method="m1",le="+Inf"} 100
        d_bucket{method="m2",le="0.01"} 100
        d_bucket{method="m2",le="0.1"} 100
        d_bucket{method="m2",le="+Inf"} 100
        """);

    Map<Map<String, String>, Double> p50 = SeriesMath.histogramQuantile(0.5,
        SeriesMath.sumBy(SeriesMath.rate(List.of(from, to), "d_bucket", labels -> true),
            "le", "method"));

    assertThat(p50.get(Map.of("method", "m1"))).isCloseTo(0.01, within(1e-12));
    assertThat(p50.get(Map.of("method", "m2"))).isCloseTo(0.005, within(1e-12));
  }
}
