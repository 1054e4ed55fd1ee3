package dev.switchboard.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {

  @Test
  void findsMetricsAndLabelsButNotFunctionsKeywordsOrValues() {
    PromQlNames names = PromQlNames.of("sum by (grpc_method, grpc_status) (rate(a_count"
        + "{grpc_status!=\"OK\", x=~\"b_total|c\"}[1m])) / ignoring (grpc_status) group_left"
        + " sum by (grpc_method) (rate(a_count[5m] offset 1m)) > bool 0.5"
        + " or histogram_quantile(0.99, sum by (le) (rate(d_bucket[1m])))");

    assertThat(names.metrics()).containsExactly("a_count", "d_bucket");
    assertThat(names.labels()).containsExactlyInAnyOrder("grpc_method", "grpc_status", "x",
        "le");
  }
}
