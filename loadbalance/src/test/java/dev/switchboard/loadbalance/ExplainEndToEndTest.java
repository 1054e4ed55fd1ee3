package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.Explain;
import dev.switchboard.rpc.HashKeys;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryPolicy;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.DelayedGreeter;
import dev.switchboard.rpc.testing.ExplainLines;
import dev.switchboard.rpc.testing.Providers;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Explain this call" through real channels, balancers and providers on loopback: the lines the
 * client logs (captured from SLF4J's simple logger on standard error), the
 * {@code switchboard-picked} trailer, the rate limit, and the span events.
 */
@Timeout(60)
class ExplainEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final Pattern TWO_CANDIDATES = Pattern.compile(
      "\\[(\\S+) cost=(\\S+) inflight=(\\d+)(?: penalty=\\S+)?,"
          + " (\\S+) cost=(\\S+) inflight=(\\d+)(?: penalty=\\S+)?]");

  private final Closer closer = new Closer();
  private final Map<String, String> ids = new HashMap<>(); // greeter name -> instance id
  private final AtomicLong clock = new AtomicLong();
  private String registry;
  private RpcClient client;
  private ExplainLines lines;

  @BeforeEach
  void setUp() {
    registry = "memory://explain-" + names.incrementAndGet();
    lines = ExplainLines.capture();
  }

  @AfterEach
  void tearDown() throws Exception {
    lines.close();
    if (client != null) {
      client.close();
    }
    closer.close();
  }

  private RpcClient client() {
    if (client == null) {
      client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500))
          .build();
    }
    return client;
  }

  private DelayedGreeter[] start(int count) {
    DelayedGreeter[] greeters = new DelayedGreeter[count];
    for (int i = 0; i < count; i++) {
      greeters[i] = closer.register(new DelayedGreeter("g" + i, 0));
      RpcServer server = closer.register(Providers.start(registry, greeters[i], 100));
      ids.put(greeters[i].name(), server.instance().instanceId());
    }
    return greeters;
  }

  private GreeterGrpc.GreeterBlockingStub stub(ReferenceConfig.Builder config) {
    return client().stub(GreeterGrpc::newBlockingStub, config.deadline(Duration.ofSeconds(10))
        .build());
  }

  /** Plain (unexplained) calls, each with a new hash key, until every greeter has served. */
  private static void awaitAll(GreeterGrpc.GreeterBlockingStub greeter, DelayedGreeter... all) {
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      HashKeys.withHashKey(greeter, "warm-" + System.nanoTime()).sayHello(WORLD);
      return Arrays.stream(all).allMatch(g -> g.calls() > 0);
    });
  }

  private static GreeterGrpc.GreeterBlockingStub capturing(GreeterGrpc.GreeterBlockingStub stub,
      AtomicReference<Metadata> trailers) {
    return stub.withInterceptors(
        MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers));
  }

  private static Map<String, String> fields(String line) {
    return ExplainLines.fields(line);
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM})
  void anExplainedCallLogsOneLineNamingTheBalancerAndTheInstanceThatServed(String balancer) {
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder().balancer(balancer));
    awaitAll(greeter, greeters);
    List<String> served = new ArrayList<>();

    for (int i = 0; i < 3; i++) {
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      HelloReply reply = capturing(Explain.on(greeter), trailers).sayHello(WORLD);
      String id = ids.get(reply.getServedBy());
      assertThat(Explain.pickedBy(trailers.get())).as("the trailer names who served")
          .isEqualTo(id);
      served.add(id);
    }

    List<String> printed = lines.await(3);
    assertThat(printed).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(fields(printed.get(i)))
          .containsEntry("method", "helloworld.Greeter/SayHello")
          .containsEntry("attempt", "1")
          .containsEntry("balancer", balancer)
          .containsEntry("picked", served.get(i))
          .containsEntry("weight", "100")
          .containsEntry("excluded", "[]")
          .containsEntry("status", "OK")
          .containsEntry("served_by", served.get(i))
          .containsKeys("budget", "took")
          .doesNotContainKey("effective_weight");
    }
  }

  @Test
  void callsThatAreNotExplainedLogNothingAndGetNoTrailer() {
    DelayedGreeter[] greeters = start(2);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder());
    awaitAll(greeter, greeters);

    for (int i = 0; i < 5; i++) {
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      capturing(greeter, trailers).sayHello(WORLD);
      assertThat(trailers.get()).isNotNull();
      assertThat(Explain.pickedBy(trailers.get())).isNull();
    }
    Explain.on(greeter).sayHello(HelloRequest.newBuilder().setName("fence").build());

    assertThat(lines.await(1)).hasSize(1);
  }

  @Test
  void aFailoverRetryIsExplainedAttemptByAttempt() {
    // A clock that stands still: the retry budget does not refill between the attempts.
    client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500))
        .nanoClock(clock::get).build();
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder()
        .balancer(Balancers.CONSISTENT_HASH)
        .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build()));
    awaitAll(greeter, greeters);
    GreeterGrpc.GreeterBlockingStub keyed = HashKeys.withHashKey(greeter, "user-1234");
    String owner = keyed.sayHello(WORLD).getServedBy();
    DelayedGreeter failing = Arrays.stream(greeters).filter(g -> g.name().equals(owner))
        .findFirst().orElseThrow();
    failing.failWith(Status.UNAVAILABLE.withDescription("going away"));

    AtomicReference<Metadata> trailers = new AtomicReference<>();
    HelloReply reply = capturing(Explain.on(keyed), trailers).sayHello(WORLD);

    String first = ids.get(owner);
    String second = ids.get(reply.getServedBy());
    assertThat(second).isNotEqualTo(first);
    assertThat(Explain.pickedBy(trailers.get())).isEqualTo(second);
    List<String> printed = lines.await(2);
    assertThat(printed).hasSize(2);
    Map<String, String> one = fields(printed.get(0));
    Map<String, String> two = fields(printed.get(1));
    assertThat(one).containsEntry("attempt", "1").containsEntry("picked", first)
        .containsEntry("status", "UNAVAILABLE").containsEntry("served_by", first)
        .containsEntry("walk", "[]");
    assertThat(two).containsEntry("attempt", "2").containsEntry("picked", second)
        .containsEntry("status", "OK").containsEntry("served_by", second)
        .containsEntry("failover", "untried_instance")
        .containsEntry("key_hash", one.get("key_hash"))
        .containsEntry("slot", one.get("slot"));
    assertThat(two.get("walk")).startsWith("[" + first + ": tried");
    assertThat(Double.parseDouble(two.get("budget"))).as("the retry came out of the budget")
        .isCloseTo(Double.parseDouble(one.get("budget")) - 1, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void consistentHashNamesTheKeyHashAndTheSlotButNeverTheKey() {
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter =
        stub(ReferenceConfig.builder().balancer(Balancers.CONSISTENT_HASH));
    awaitAll(greeter, greeters);

    HelloReply reply = Explain.on(HashKeys.withHashKey(greeter, "secret-user-42"))
        .sayHello(WORLD);

    String line = lines.await(1).get(0);
    assertThat(line).doesNotContain("secret-user-42");
    assertThat(fields(line)).containsEntry("balancer", Balancers.CONSISTENT_HASH)
        .containsEntry("picked", ids.get(reply.getServedBy()))
        .containsEntry("walk", "[]")
        .containsEntry("excluded", "[]");
    assertThat(fields(line).get("key_hash")).matches("[0-9a-f]{16}");
    assertThat(fields(line).get("slot")).matches("\\d+/65537");
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.PEAK_EWMA, Balancers.LEAST_REQUEST})
  void twoChoicesBalancersNameBothCandidatesWithTheirCosts(String balancer) {
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder().balancer(balancer));
    awaitAll(greeter, greeters);

    HelloReply reply = Explain.on(greeter).sayHello(WORLD);

    Map<String, String> line = fields(lines.await(1).get(0));
    assertThat(line).containsEntry("balancer", balancer)
        .containsEntry("picked", ids.get(reply.getServedBy()));
    Matcher candidates = TWO_CANDIDATES.matcher(line.get("candidates"));
    assertThat(candidates.matches()).as(line.get("candidates")).isTrue();
    assertThat(candidates.group(1)).isNotEqualTo(candidates.group(4));
    assertThat(ids.values()).contains(candidates.group(1), candidates.group(4));
    assertThat(line.get("picked")).isIn(candidates.group(1), candidates.group(4));
    String cost = balancer.equals(Balancers.PEAK_EWMA) ? "\\d+\\.\\d\\dms|unmeasured" : "\\d+(\\.\\d+)?";
    assertThat(candidates.group(2)).matches(cost);
    assertThat(candidates.group(5)).matches(cost);
  }

  @Test
  void anEjectedInstanceIsListedAsExcluded() {
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder());
    awaitAll(greeter, greeters);
    greeters[1].failWith(Status.INTERNAL.withDescription("bad deploy"));
    for (int i = 0; i < 60; i++) { // five failures in a row eject it
      try {
        greeter.sayHello(WORLD);
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
      }
    }

    HelloReply reply = Explain.on(greeter).sayHello(WORLD);

    Map<String, String> line = fields(lines.await(1).get(0));
    assertThat(reply.getServedBy()).isNotEqualTo("g1");
    assertThat(line.get("excluded")).matches("\\[" + Pattern.quote(ids.get("g1"))
        + ": ejected]");
    assertThat(line).containsEntry("picked", ids.get(reply.getServedBy()));
  }

  @Test
  void aProbeAfterAnEjectionSaysItIsAProbe() {
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder().balancer(
        Balancer.weightedRoundRobin().failureAccrual(FailureAccrual.builder()
            .ejection(Duration.ofMillis(200), Duration.ofSeconds(2)).build()).build()));
    awaitAll(greeter, greeters);
    greeters[2].failWith(Status.INTERNAL.withDescription("bad deploy"));
    for (int i = 0; i < 60; i++) {
      try {
        greeter.sayHello(WORLD);
      } catch (StatusRuntimeException e) {
        // the failing instance, until it is ejected
      }
    }

    // When the ejection ends, the next call is its probe (and fails: it is still broken).
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(150)).until(() -> {
      try {
        Explain.on(greeter).sayHello(WORLD);
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
      }
      return lines.lines().stream().anyMatch(line -> line.contains(" probe="));
    });

    Map<String, String> probe = fields(lines.lines().stream()
        .filter(line -> line.contains(" probe=")).findFirst().orElseThrow());
    assertThat(probe).containsEntry("picked", ids.get("g2"))
        .containsEntry("probe", "ejection_ended_one_call_at_a_time")
        .containsEntry("status", "INTERNAL")
        .containsEntry("served_by", ids.get("g2"));
    assertThat(probe.get("excluded")).contains(ids.get("g2") + ": probing");
  }

  @Test
  void anInstanceThatIsNotReadyIsListedAsExcluded() throws Exception {
    DelayedGreeter[] greeters = start(2);
    int deadPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    closer.register(Providers.registerAt(registry, deadPort));
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder());
    awaitAll(greeter, greeters);

    Explain.on(greeter).sayHello(WORLD);

    assertThat(fields(lines.await(1).get(0)).get("excluded")).matches("\\[127\\.0\\.0\\.1-"
        + deadPort + "-\\w+: (connecting|idle|transient_failure)]");
  }

  @Test
  void aWarmingInstanceShowsItsEffectiveWeight() {
    DelayedGreeter[] greeters = start(2);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder()
        .balancer(Balancer.weightedRoundRobin().warmUp(Duration.ofHours(1)).build()));
    awaitAll(greeter, greeters);

    Explain.on(greeter).sayHello(WORLD);

    Map<String, String> line = fields(lines.await(1).get(0));
    assertThat(line).containsEntry("weight", "100");
    assertThat(Integer.parseInt(line.get("effective_weight"))).as("10 percent at first, ramping up")
        .isBetween(10, 11);
  }

  @Test
  void theRateLimitExplainsTenCallsASecondOnTheClientsClock() {
    client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500))
        .nanoClock(clock::get).build();
    DelayedGreeter[] greeters = start(2);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder());
    awaitAll(greeter, greeters);

    assertThat(explainedCalls(Explain.on(greeter), 50)).as("trailers").isEqualTo(10);
    assertThat(lines.await(10)).hasSize(10);

    clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(explainedCalls(Explain.on(greeter), 50)).isEqualTo(10);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(explainedCalls(Explain.on(greeter), 50)).isEqualTo(1);
    assertThat(lines.await(21)).hasSize(21);
  }

  /** Makes {@code count} calls; returns how many came back with the server's trailer. */
  private static int explainedCalls(GreeterGrpc.GreeterBlockingStub greeter, int count) {
    int explained = 0;
    for (int i = 0; i < count; i++) {
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      capturing(greeter, trailers).sayHello(WORLD);
      explained += Explain.pickedBy(trailers.get()) != null ? 1 : 0;
    }
    return explained;
  }

  /** Relays each call to the leaf service through its own Switchboard client. */
  static final class Relay extends GreeterGrpc.GreeterImplBase {
    private final GreeterGrpc.GreeterBlockingStub leaf;

    Relay(GreeterGrpc.GreeterBlockingStub leaf) {
      this.leaf = leaf;
    }

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      responses.onNext(leaf.sayHello(request));
      responses.onCompleted();
    }
  }

  @Test
  void aForeignCallersHeaderExplainsTheServersOwnDownstreamCalls() throws Exception {
    DelayedGreeter[] leaves = start(2);
    GreeterGrpc.GreeterBlockingStub leaf = stub(ReferenceConfig.builder());
    awaitAll(leaf, leaves);
    RpcServer relay = closer.register(Providers.startUnregistered(new Relay(leaf), 0));
    ManagedChannel foreign = ManagedChannelBuilder.forAddress("127.0.0.1", relay.port())
        .usePlaintext().build();
    closer.register(() -> {
      foreign.shutdownNow();
      foreign.awaitTermination(5, TimeUnit.SECONDS);
    });
    Metadata ask = new Metadata();
    ask.put(Explain.HEADER, "1");
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    HelloReply reply = capturing(GreeterGrpc.newBlockingStub(foreign)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(ask)), trailers)
        .sayHello(WORLD);
    GreeterGrpc.newBlockingStub(foreign).sayHello(WORLD); // without the header: no line

    assertThat(Explain.pickedBy(trailers.get())).as("the relay names itself")
        .isEqualTo("127.0.0.1:" + relay.port());
    List<String> printed = lines.await(1);
    assertThat(printed).hasSize(1);
    assertThat(fields(printed.get(0))).containsEntry("picked", ids.get(reply.getServedBy()))
        .containsEntry("served_by", ids.get(reply.getServedBy()));
  }

  @Test
  void eachExplainedAttemptIsAnEventOnTheCallersSpan() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    SdkTracerProvider tracing = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    closer.register(tracing::close);
    DelayedGreeter[] greeters = start(2);
    GreeterGrpc.GreeterBlockingStub greeter = stub(ReferenceConfig.builder());
    awaitAll(greeter, greeters);

    Span caller = tracing.get("test").spanBuilder("caller").startSpan();
    HelloReply reply;
    try (Scope ignored = caller.makeCurrent()) {
      reply = Explain.on(greeter).sayHello(WORLD);
      greeter.sayHello(WORLD); // not explained: no event
    } finally {
      caller.end();
    }

    SpanData finished = spans.getFinishedSpanItems().get(0);
    assertThat(finished.getEvents()).hasSize(1);
    EventData event = finished.getEvents().get(0);
    assertThat(event.getName()).isEqualTo(Explain.SPAN_EVENT);
    String id = ids.get(reply.getServedBy());
    assertThat(event.getAttributes().get(AttributeKey.stringKey("switchboard.explain.picked")))
        .isEqualTo(id);
    assertThat(event.getAttributes().get(AttributeKey.stringKey("switchboard.explain.served_by")))
        .isEqualTo(id);
    assertThat(event.getAttributes().get(AttributeKey.longKey("switchboard.explain.attempt")))
        .isEqualTo(1L);
    assertThat(event.getAttributes().get(AttributeKey.stringKey("switchboard.explain.balancer")))
        .isEqualTo(Balancers.WEIGHTED_ROUND_ROBIN);
  }
}
