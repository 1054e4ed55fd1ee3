package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void readsNamesLabelsAndValuesAndSkipsComments() {
    List<PrometheusText.Sample> samples = PrometheusText.parse("""
        # HELP switchboard_lb_picks_total Attempts a Switchboard balancer sent to each instance
        # TYPE switchboard_lb_picks_total counter
        switchboard_lb_picks_total{grpc_target="zk://127.0.0.1:2181/helloworld.Greeter",switchboard_instance="127.0.0.1-1-a"} 223.0

        target_info 1
        grpc_client_call_duration_seconds_bucket{grpc_method="helloworld.Greeter/SayHello",le="0.005"} 17
        """);

    assertThat(samples).containsExactly(
        new PrometheusText.Sample("switchboard_lb_picks_total",
            Map.of("grpc_target", "zk://127.0.0.1:2181/helloworld.Greeter",
                "switchboard_instance", "127.0.0.1-1-a"), 223),
        new PrometheusText.Sample("target_info", Map.of(), 1),
        new PrometheusText.Sample("grpc_client_call_duration_seconds_bucket",
            Map.of("grpc_method", "helloworld.Greeter/SayHello", "le", "0.005"), 17));
  }

  @Test
  void unescapesLabelValuesAndReadsSpecialValuesAndTimestamps() {
    List<PrometheusText.Sample> samples = PrometheusText.parse(
        "a{x=\"say \\\"hi\\\"\",y=\"back\\\\slash\",z=\"two\\nlines\",} +Inf 1700000000000\n"
            + "b -Inf\n"
            + "c{} NaN\n"
            + "d{le=\"+Inf\"} 1.5e3\n");

    assertThat(samples.get(0).labels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "x", "say \"hi\"", "y", "back\\slash", "z", "two\nlines"));
    assertThat(samples.get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(samples.get(1).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(samples.get(2).value()).isNaN();
    assertThat(samples.get(3).labels()).containsEntry("le", "+Inf");
    assertThat(samples.get(3).value()).isEqualTo(1500);
  }

  @Test
  void labelsAreSortedAndUnmodifiable() {
    PrometheusText.Sample sample = PrometheusText.parse("m{b=\"2\",a=\"1\"} 3").get(0);

    assertThat(sample.labels().keySet()).containsExactly("a", "b");
    assertThatThrownBy(() -> sample.labels().put("c", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aMalformedLineIsNamedByNumber() {
    assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=\"1\" 2\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("line 2 is not a sample");
    assertThatThrownBy(() -> PrometheusText.parse("m one"))
        .hasMessageContaining("value 'one' is not a number");
    assertThatThrownBy(() -> PrometheusText.parse("{a=\"1\"} 1"))
        .hasMessageContaining("no metric name");
    assertThatThrownBy(() -> PrometheusText.parse("m"))
        .hasMessageContaining("line 1 is not a sample");
  }

  @Test
  void samplesOfForeignScrapesSkipWhatTheyCannotRead() {
    List<PrometheusText.Sample> samples = PrometheusText.samples("""
        # TYPE picks_total counter
        picks_total{instance="a"} 3
        picks_total{instance="b" 4
        other_total 9
        picks_total{instance="c"} many
        picks_total{instance="d"} 5
        """, java.util.Set.of("picks_total"));

    assertThat(samples).extracting(sample -> sample.labels().get("instance"))
        .containsExactly("a", "d");
  }
}
