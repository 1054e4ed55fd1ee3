package dev.switchboard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.rpc.Telemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.Comparator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One request entering the gateway is one trace across the services it fans out to: the
 * gateway's span, each call's {@code Sent.*} and {@code Attempt.*} spans, and the
 * {@code Recv.*} span of each of the four shop services, joined by W3C {@code traceparent}.
 */
@Timeout(60)
class GatewayTraceTest {
  private static final List<String> SERVICES =
      List.of("shop.ProductInfo", "shop.Pricing", "shop.Reviews", "shop.Recommendations");

  @Test
  void oneRequestIsOneTraceAcrossTheFourShopServices() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
        GatewayScenario.Shop shop = GatewayScenario.Shop.start(
            "memory://gateway-trace-" + System.nanoTime(),
            Telemetry.builder(openTelemetry).build())) {
      shop.warmUp();
      // A warm-up request's server spans may end after its answer arrived: let them all land,
      // then start from nothing.
      awaitQuiet(spans);
      spans.reset();

      ProductGateway.ProductDetails details = shop.gateway.details("espresso-1");
      assertThat(details.recommendations().getPersonalised()).as("no fallback").isTrue();

      // the gateway's span, then Sent, Attempt and Recv for each of the four calls
      List<SpanData> trace = awaitSpans(spans, 1 + 3 * SERVICES.size());
      printTree(trace);

      assertThat(trace.stream().map(SpanData::getTraceId).distinct()).as("trace ids")
          .hasSize(1);
      Map<String, SpanData> byId = trace.stream()
          .collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
      SpanData root = trace.stream().filter(span -> !byId.containsKey(span.getParentSpanId()))
          .collect(singleton("root"));
      assertThat(root.getName()).isEqualTo(ProductGateway.SPAN_NAME);
      assertThat(root.getParentSpanContext().isValid()).as("the request's span is the root")
          .isFalse();

      List<SpanData> received = trace.stream().filter(span -> span.getName().startsWith("Recv."))
          .toList();
      assertThat(received.stream().map(span -> service(span.getName())).distinct())
          .as("services with a server span").containsExactlyInAnyOrderElementsOf(SERVICES);
      for (SpanData server : received) {
        // Recv.<method> <- Attempt.<method> <- Sent.<method> <- the gateway's span
        String method = server.getName().substring("Recv.".length());
        SpanData attempt = byId.get(server.getParentSpanId());
        assertThat(attempt).as("parent of " + server.getName()).isNotNull();
        assertThat(attempt.getName()).isEqualTo("Attempt." + method);
        SpanData call = byId.get(attempt.getParentSpanId());
        assertThat(call).as("parent of " + attempt.getName()).isNotNull();
        assertThat(call.getName()).isEqualTo("Sent." + method);
        assertThat(call.getParentSpanId()).isEqualTo(root.getSpanId());
      }
    }
  }

  /** {@code shop.Pricing} of {@code Recv.shop.Pricing.GetPrice} (gRPC's {@code /} is a dot). */
  private static String service(String spanName) {
    return spanName.substring(spanName.indexOf('.') + 1, spanName.lastIndexOf('.'));
  }

  private static Collector<SpanData, ?, SpanData> singleton(String what) {
    return Collectors.collectingAndThen(Collectors.toList(), list -> {
      assertThat(list).as(what).hasSize(1);
      return list.get(0);
    });
  }

  /** Waits until no span has ended between two looks 300 ms apart (at most 10 s). */
  private static void awaitQuiet(InMemorySpanExporter spans) {
    int[] seen = {-1};
    await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(300)).until(() -> {
          int now = spans.getFinishedSpanItems().size();
          boolean quiet = now == seen[0];
          seen[0] = now;
          return quiet;
        });
  }

  /** Waits for {@code count} finished spans (at most 10 s), and for stragglers beyond them. */
  private static List<SpanData> awaitSpans(InMemorySpanExporter spans, int count) {
    await().atMost(Duration.ofSeconds(10))
        .until(() -> spans.getFinishedSpanItems().size() >= count);
    awaitQuiet(spans);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).as("finished spans").hasSize(count);
    return finished;
  }

  /** Prints the trace as an indented tree of span names, children in the order they started. */
  private static void printTree(List<SpanData> trace) {
    Map<String, List<SpanData>> children = trace.stream().collect(
        Collectors.groupingBy(SpanData::getParentSpanId));
    List<String> ids = trace.stream().map(SpanData::getSpanId).toList();
    List<String> lines = new ArrayList<>();
    trace.stream().filter(span -> !ids.contains(span.getParentSpanId()))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(root -> tree(root, 0, children, lines));
    System.out.println("Trace " + trace.get(0).getTraceId() + ":");
    lines.forEach(System.out::println);
  }

  private static void tree(SpanData span, int depth, Map<String, List<SpanData>> children,
      List<String> lines) {
    lines.add("  ".repeat(depth) + span.getName());
    children.getOrDefault(span.getSpanId(), List.of()).stream()
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(child -> tree(child, depth + 1, children, lines));
  }
}
