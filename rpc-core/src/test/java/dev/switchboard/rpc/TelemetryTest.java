package dev.switchboard.rpc;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Metrics and traces of real servers and clients on loopback, read with the OpenTelemetry SDK's
 * in-memory reader and exporter, and scraped over HTTP from the Prometheus endpoint.
 */
@Timeout(60)
class TelemetryTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("grpc.status");
  private static final AttributeKey<String> TARGET = AttributeKey.stringKey("grpc.target");
  private static final AttributeKey<String> KIND =
      AttributeKey.stringKey("switchboard.fallback.kind");
  private static final String SAY_HELLO = "helloworld.Greeter/SayHello";

  private final Closer closer = new Closer();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private String registry;

  @BeforeEach
  void setUp() {
    registry = "memory://telemetry-" + names.incrementAndGet();
    sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
    sdk.close();
  }

  private Telemetry telemetry() {
    return Telemetry.builder(sdk).build();
  }

  private RpcServer serve(String application, Object service) {
    return closer.register(RpcServer.builder().application(application).registry(registry)
        .bindAddress("127.0.0.1").drainPeriod(Duration.ZERO).shutdownGrace(Duration.ofSeconds(1))
        .shutdownHook(false).telemetry(telemetry()).addService(service).build().start());
  }

  private RpcClient client() {
    return closer.register(RpcClient.builder().registry(registry).defaultBalancer("round_robin")
        .shutdownGrace(Duration.ofMillis(200)).telemetry(telemetry()).build());
  }

  private Map<String, MetricData> collected() {
    return metrics.collectAllMetrics().stream()
        .collect(Collectors.toMap(MetricData::getName, m -> m, (a, b) -> a));
  }

  private static Set<String> values(MetricData metric, AttributeKey<String> key) {
    Collection<? extends io.opentelemetry.sdk.metrics.data.PointData> points =
        metric.getData().getPoints();
    return points.stream().map(p -> p.getAttributes().get(key)).collect(Collectors.toSet());
  }

  private static long sum(MetricData metric) {
    return metric.getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum();
  }

  @Test
  void callsRecordGrpcsStandardMetricsOnBothSides() {
    serve("greeter", new TestGreeter("one"));
    GreeterGrpc.GreeterBlockingStub greeter = client().stub(GreeterGrpc::newBlockingStub);
    for (int i = 0; i < 5; i++) {
      greeter.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(WORLD);
    }

    await().atMost(Duration.ofSeconds(10))
        .until(() -> collected().containsKey("grpc.server.call.duration"));
    Map<String, MetricData> all = collected();
    assertThat(all).containsKeys("grpc.client.attempt.started", "grpc.client.attempt.duration",
        "grpc.client.call.duration", "grpc.client.attempt.sent_total_compressed_message_size",
        "grpc.server.call.started", "grpc.server.call.duration");
    MetricData callDuration = all.get("grpc.client.call.duration");
    assertThat(callDuration.getUnit()).isEqualTo("s");
    assertThat(values(callDuration, METHOD)).containsExactly("helloworld.Greeter/SayHello");
    assertThat(values(callDuration, STATUS)).containsExactly("OK");
    assertThat(values(callDuration, TARGET)).singleElement().asString()
        .endsWith("/helloworld.Greeter");
    assertThat(callDuration.getHistogramData().getPoints().iterator().next().getCount())
        .isEqualTo(5);
    assertThat(values(all.get("grpc.server.call.duration"), METHOD))
        .containsExactly("helloworld.Greeter/SayHello");
  }

  /** Answers every call itself, as a fallback object does. */
  static final class Fallback extends GreeterGrpc.GreeterImplBase {
    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      responses.onNext(HelloReply.newBuilder().setServedBy("fallback").build());
      responses.onCompleted();
    }
  }

  @Test
  void fallbacksAreCountedByMethodAndKind() {
    RpcClient client = client();
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().fallback(new Fallback()).build());
    for (int i = 0; i < 3; i++) { // no provider anywhere: the fallback answers
      assertThat(greeter.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(WORLD).getServedBy())
          .isEqualTo("fallback");
    }

    MetricData fallbacks = collected().get("switchboard.client.fallbacks");
    assertThat(fallbacks).isNotNull();
    assertThat(fallbacks.getUnit()).isEqualTo("{call}");
    assertThat(sum(fallbacks)).isEqualTo(3);
    assertThat(values(fallbacks, AttributeKey.stringKey("switchboard.fallback.kind")))
        .containsExactly(Fallbacks.OBJECT);
    assertThat(values(fallbacks, METHOD)).containsExactly("helloworld.Greeter/SayHello");
  }

  /** Answers until told to fail, then fails every call with UNAVAILABLE; counts the failures. */
  static final class Flaky extends GreeterGrpc.GreeterImplBase {
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger failed = new AtomicInteger();

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      if (failing.get()) {
        failed.incrementAndGet();
        responses.onError(Status.UNAVAILABLE.withDescription("failing on purpose")
            .asRuntimeException());
        return;
      }
      responses.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName())
          .setServedBy("live").build());
      responses.onCompleted();
    }
  }

  /**
   * Returns the {@code switchboard.client.fallbacks} counts by kind, after checking that the
   * instrument is a monotonic counter in {@code {call}} whose every series is labelled with
   * exactly {@code grpc.method} (SayHello) and {@code switchboard.fallback.kind}.
   */
  private Map<String, Long> fallbacksByKind() {
    MetricData fallbacks = collected().get("switchboard.client.fallbacks");
    assertThat(fallbacks).as("switchboard.client.fallbacks").isNotNull();
    assertThat(fallbacks.getUnit()).isEqualTo("{call}");
    assertThat(fallbacks.getLongSumData().isMonotonic()).as("a counter").isTrue();
    Collection<LongPointData> points = fallbacks.getLongSumData().getPoints();
    assertThat(points).allSatisfy(point -> {
      assertThat(point.getAttributes().asMap().keySet()).containsExactlyInAnyOrder(METHOD, KIND);
      assertThat(point.getAttributes().get(METHOD)).isEqualTo(SAY_HELLO);
    });
    return points.stream().collect(Collectors.toMap(point -> point.getAttributes().get(KIND),
        LongPointData::getValue));
  }

  /**
   * Calls SayHello for {@code name}; returns the reply and its fallback header ({@code "null"}
   * if none).
   */
  private static Map.Entry<HelloReply, String> callCapturingFallback(
      GreeterGrpc.GreeterBlockingStub greeter, String name) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    HelloReply reply = greeter
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(HelloRequest.newBuilder().setName(name).build());
    // In the response headers, or the trailers if the server had already sent headers.
    String kind = headers.get() == null ? null : headers.get().get(Fallbacks.HEADER);
    if (kind == null && trailers.get() != null) {
      kind = trailers.get().get(Fallbacks.HEADER);
    }
    return Map.entry(reply, String.valueOf(kind));
  }

  @Test
  void aCacheableMethodAnsweredFromItsLastGoodResponseCountsACacheFallback() {
    Flaky provider = new Flaky();
    serve("greeter", provider);
    GreeterGrpc.GreeterBlockingStub greeter = client().stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder()
            .method("SayHello", MethodPolicy.builder().cacheable(true).build()).build());
    HelloReply good = greeter.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(WORLD);
    assertThat(good.getServedBy()).isEqualTo("live");
    assertThat(collected()).as("no fallback yet")
        .doesNotContainKey("switchboard.client.fallbacks");

    provider.failing.set(true);
    for (int i = 0; i < 2; i++) {
      Map.Entry<HelloReply, String> answer = callCapturingFallback(greeter, "world");
      assertThat(answer.getKey()).isEqualTo(good);
      assertThat(answer.getValue()).isEqualTo(Fallbacks.CACHE);
    }

    assertThat(provider.failed).as("the provider was called and failed").hasValue(2);
    assertThat(fallbacksByKind()).containsExactly(Map.entry(Fallbacks.CACHE, 2L));
  }

  @Test
  void aFixedResponseCountsADefaultFallback() {
    HelloReply canned = HelloReply.newBuilder().setMessage("canned").setServedBy("default")
        .build();
    GreeterGrpc.GreeterBlockingStub greeter = client().stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder()
            .method("SayHello", MethodPolicy.builder().fallbackResponse(canned).build()).build());
    for (int i = 0; i < 4; i++) { // no provider anywhere: the fixed response answers
      Map.Entry<HelloReply, String> answer = callCapturingFallback(greeter, "world");
      assertThat(answer.getKey()).isEqualTo(canned);
      assertThat(answer.getValue()).isEqualTo(Fallbacks.DEFAULT);
    }

    assertThat(fallbacksByKind()).containsExactly(Map.entry(Fallbacks.DEFAULT, 4L));
  }

  @Test
  void cacheAndDefaultFallbacksOfOneMethodAreCountedApart() {
    Flaky provider = new Flaky();
    serve("greeter", provider);
    HelloReply canned = HelloReply.newBuilder().setMessage("canned").setServedBy("default")
        .build();
    GreeterGrpc.GreeterBlockingStub greeter = client().stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().method("SayHello", MethodPolicy.builder().cacheable(true)
            .fallbackResponse(canned).build()).build());
    HelloReply good = greeter.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(WORLD);

    provider.failing.set(true);
    for (int i = 0; i < 2; i++) { // answered before: from the cache
      assertThat(callCapturingFallback(greeter, "world"))
          .isEqualTo(Map.entry(good, Fallbacks.CACHE));
    }
    for (int i = 0; i < 3; i++) { // never answered: nothing cached, the fixed response
      assertThat(callCapturingFallback(greeter, "stranger"))
          .isEqualTo(Map.entry(canned, Fallbacks.DEFAULT));
    }

    assertThat(provider.failed).hasValue(5);
    assertThat(fallbacksByKind()).containsOnly(Map.entry(Fallbacks.CACHE, 2L),
        Map.entry(Fallbacks.DEFAULT, 3L));
  }

  @Test
  void theRegistrysStateIsReportedForClientAndServer() {
    serve("greeter", new TestGreeter("one"));
    client().stub(GreeterGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(WORLD);

    MetricData session = collected().get("switchboard.registry.session");
    assertThat(session).isNotNull();
    assertThat(values(session, AttributeKey.stringKey("switchboard.role")))
        .containsExactlyInAnyOrder("client", "server");
  }

  @Test
  void aCallAcrossThreeServicesIsOneTrace() {
    // edge -> middle -> leaf, each hop a Switchboard client inside a Switchboard server.
    serve("leaf", new TestGreeter("leaf"));
    RpcClient middleClient = client();
    GreeterGrpc.GreeterBlockingStub toLeaf = middleClient.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().service("helloworld.Greeter").build());
    String relayRegistry = "memory://telemetry-relay-" + names.incrementAndGet();
    closer.register(RpcServer.builder().application("middle").registry(relayRegistry)
        .bindAddress("127.0.0.1").drainPeriod(Duration.ZERO).shutdownGrace(Duration.ofSeconds(1))
        .shutdownHook(false).telemetry(telemetry())
        .addService(new Relay(toLeaf)).build().start());
    RpcClient edge = closer.register(RpcClient.builder().registry(relayRegistry)
        .defaultBalancer("round_robin").shutdownGrace(Duration.ofMillis(200))
        .telemetry(telemetry()).build());

    assertThat(edge.stub(GreeterGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(WORLD).getServedBy()).isEqualTo("leaf");

    await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().size() >= 6);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished.stream().map(SpanData::getTraceId).distinct()).hasSize(1);
    // gRFC A72's spans: Sent.* per client call, Attempt.* per attempt, Recv.* per server call.
    Map<String, Long> byKind = finished.stream().collect(Collectors.groupingBy(
        span -> span.getName().substring(0, span.getName().indexOf('.')),
        Collectors.counting()));
    assertThat(byKind).containsEntry("Sent", 2L).containsEntry("Attempt", 2L)
        .containsEntry("Recv", 2L);
    // The leaf's server span is a child of the middle's attempt, which is a child of the
    // middle's server span: the context crossed both hops.
    Map<String, SpanData> byId = finished.stream()
        .collect(Collectors.toMap(SpanData::getSpanId, span -> span));
    assertThat(finished.stream().filter(span -> span.getName().startsWith("Recv."))
        .filter(span -> byId.containsKey(span.getParentSpanId())
            && byId.get(span.getParentSpanId()).getName().startsWith("Attempt.")))
        .hasSize(2);
  }

  @Test
  void aHandlersLogLinesCarryItsTraceInTheMdc() {
    org.slf4j.TestMdc.install();
    java.util.concurrent.atomic.AtomicReference<String> traceInHandler =
        new java.util.concurrent.atomic.AtomicReference<>();
    serve("greeter", new GreeterGrpc.GreeterImplBase() {
      @Override
      public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
        traceInHandler.set(org.slf4j.MDC.get("trace_id"));
        responses.onNext(HelloReply.newBuilder().setServedBy("mdc").build());
        responses.onCompleted();
      }
    });
    client().stub(GreeterGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(WORLD);

    await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
        .anyMatch(span -> span.getName().startsWith("Recv.")));
    SpanData server = spans.getFinishedSpanItems().stream()
        .filter(span -> span.getName().startsWith("Recv.")).findFirst().orElseThrow();
    assertThat(traceInHandler.get()).isEqualTo(server.getTraceId());
    assertThat(org.slf4j.MDC.get("trace_id")).as("nothing left behind on this thread").isNull();
  }

  /** Passes each call on to the next hop. */
  static final class Relay extends GreeterGrpc.GreeterImplBase {
    private final GreeterGrpc.GreeterBlockingStub next;

    Relay(GreeterGrpc.GreeterBlockingStub next) {
      this.next = next;
    }

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      responses.onNext(next.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(request));
      responses.onCompleted();
    }
  }

  @Test
  void theMetricsPortsAreBoundAndReleased() throws Exception {
    RpcServer server = closer.register(RpcServer.builder().application("greeter")
        .registry(registry).bindAddress("127.0.0.1").drainPeriod(Duration.ZERO)
        .shutdownGrace(Duration.ofSeconds(1)).shutdownHook(false).metricsPort(0)
        .addService(new TestGreeter("one")).build().start());
    RpcClient client = closer.register(RpcClient.builder().registry(registry)
        .defaultBalancer("round_robin").shutdownGrace(Duration.ofMillis(200)).metricsPort(0)
        .build());
    int serverPort = server.metricsPort().orElseThrow();
    int clientPort = client.metricsPort().orElseThrow();
    // The text itself is checked against Prometheus's rules in examples' MetricsEndpointTest.
    assertThat(scrape(serverPort)).contains("switchboard_registry_session{");
    assertThat(scrape(clientPort)).contains("switchboard_registry_session");

    server.close();
    client.close();
    for (int port : new int[] {serverPort, clientPort}) {
      try (java.net.ServerSocket again = new java.net.ServerSocket(port, 1,
          java.net.InetAddress.getByName(port == serverPort ? "127.0.0.1" : "0.0.0.0"))) {
        assertThat(again.getLocalPort()).isEqualTo(port); // closed with its owner
      }
    }
  }

  @Test
  void metricsPortAndTelemetryTogetherAreRefused() {
    assertThatThrownBy(() -> RpcClient.builder().registry(registry).metricsPort(0)
        .telemetry(telemetry()).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("metricsPort(0)").hasMessageContaining("telemetry(...)");
    assertThatThrownBy(() -> RpcServer.builder().metricsPort(70_000))
        .hasMessageContaining("metricsPort 70000 is out of range (allowed: 0..65535)");
  }

  @Test
  void withoutTelemetryNothingIsInstalled() {
    serve("greeter", new TestGreeter("one"));
    RpcClient plain = closer.register(RpcClient.builder().registry(registry)
        .defaultBalancer("round_robin").shutdownGrace(Duration.ofMillis(200))
        .telemetry(Telemetry.disabled()).build());
    plain.stub(GreeterGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(WORLD);

    // Only the server (which has telemetry) recorded anything; it records when its call ends.
    await().atMost(Duration.ofSeconds(10))
        .until(() -> collected().containsKey("grpc.server.call.duration"));
    Map<String, MetricData> all = collected();
    assertThat(all).doesNotContainKey("grpc.client.call.duration");
    assertThat(Optional.ofNullable(all.get("switchboard.registry.session"))
        .map(m -> values(m, AttributeKey.stringKey("switchboard.role"))).orElseThrow())
        .containsExactly("server");
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain");
    return response.body();
  }
}
