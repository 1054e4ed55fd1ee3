package dev.switchboard.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.rpc.PrometheusText;
import dev.switchboard.examples.quickstart.QuickStartGreeter;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server's and a client's {@code metricsPort} serve Prometheus text that a Prometheus server
 * accepts, with gRPC's A66 series and Switchboard's.
 */
@Timeout(60)
class MetricsEndpointTest {

  @Test
  void theMetricsPortsServePrometheusTextWithGrpcAndSwitchboardSeries() throws Exception {
    String registry = "memory://metrics-endpoint-" + System.nanoTime();
    try (RpcServer server = RpcServer.builder().application("greeter").registry(registry)
            .bindAddress("127.0.0.1").drainPeriod(Duration.ZERO)
            .shutdownGrace(Duration.ofSeconds(1)).shutdownHook(false).metricsPort(0)
            .addService(new QuickStartGreeter("one")).build().start();
        RpcClient client = RpcClient.builder().registry(registry)
            .shutdownGrace(Duration.ofMillis(200)).metricsPort(0).build()) {
      client.stub(GreeterGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.SECONDS)
          .sayHello(HelloRequest.newBuilder().setName("world").build());

      PrometheusText.Exposition clientText = PrometheusText.parseExposition(
          scrape(client.metricsPort().orElseThrow()));
      assertThat(clientText.types()).containsEntry("grpc_client_call_duration_seconds",
          "histogram").containsEntry("grpc_client_attempt_started_total", "counter")
          .containsEntry("switchboard_lb_picks_total", "counter")
          .containsKey("switchboard_registry_session");
      assertThat(clientText.samples("grpc_client_call_duration_seconds_count"))
          .anySatisfy(sample -> {
            assertThat(sample.labels()).containsEntry("grpc_method",
                "helloworld.Greeter/SayHello").containsEntry("grpc_status", "OK");
            assertThat(sample.value()).isEqualTo(1.0);
          });
      assertThat(clientText.samples("switchboard_lb_picks_total")).singleElement()
          .satisfies(sample -> assertThat(sample.labels().get("switchboard_instance"))
              .isEqualTo(server.instance().instanceId()));
      PrometheusText.Exposition serverText = PrometheusText.parseExposition(
          scrape(server.metricsPort().orElseThrow()));
      assertThat(serverText.types()).containsEntry("grpc_server_call_duration_seconds",
          "histogram");
    }
  }

  @Test
  void textAPrometheusServerWouldRefuseIsRefused() {
    assertThatThrownBy(() -> PrometheusText.parseExposition("undeclared_total 1\n"))
        .hasMessageContaining("no # TYPE declared before it");
    assertThatThrownBy(() -> PrometheusText.parseExposition(
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n"))
        .hasMessageContaining("no +Inf bucket");
    assertThatThrownBy(() -> PrometheusText.parseExposition("# TYPE m counter\n# TYPE m gauge\n"))
        .hasMessageContaining("bad or repeated # TYPE");
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    return response.body();
  }
}
