package dev.switchboard.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.rpc.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Boot demo end to end: embedded ZooKeeper, two providers, a consumer, over HTTP too. */
@Timeout(120)
class BootDemoTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void callsSplitByWeightAndTheActuatorShowsHealthAndMetrics() throws Exception {
    try (BootDemo.Demo demo = BootDemo.Demo.start(null, 0)) {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> demo.call(4).size() == 2);

      Map<String, Integer> answered = demo.call(400);
      // 100:300 of 400 is 100:300; the smooth schedule keeps it within a few calls
      assertThat(answered.get("provider-1")).isBetween(90, 110);
      assertThat(answered.get("provider-2")).isBetween(290, 310);

      HttpResponse<String> greeting = get(demo.consumerPort(), "/greet?name=boot");
      assertThat(greeting.statusCode()).isEqualTo(200);
      assertThat(greeting.body()).startsWith("Hello boot from provider-");

      HttpResponse<String> readiness = get(demo.providerPort(0), "/actuator/health/readiness");
      assertThat(readiness.statusCode()).isEqualTo(200);
      assertThat(readiness.body()).contains("\"switchboardServer\"").contains("\"UP\"");
      HttpResponse<String> health = get(demo.providerPort(0), "/actuator/health");
      assertThat(health.body()).contains("\"switchboardRegistry\"")
          .contains("\"session\":\"connected\"");

      HttpResponse<String> metrics = get(demo.consumerPort(), "/actuator/metrics");
      assertThat(metrics.body()).contains("grpc.client.attempt.duration")
          .contains("switchboard.lb.picks");
      HttpResponse<String> scrape = get(demo.consumerPort(), "/actuator/prometheus");
      assertThat(scrape.statusCode()).isEqualTo(200);
      PrometheusText.Exposition exposition = PrometheusText.parseExposition(scrape.body());
      assertThat(exposition.types())
          .containsEntry("grpc_client_call_duration_seconds", "histogram")
          .containsEntry("switchboard_lb_picks_total", "counter");
      assertThat(exposition.samples())
          .filteredOn(sample -> sample.name().equals("switchboard_lb_picks_total"))
          .hasSize(2);
    }
  }
}
