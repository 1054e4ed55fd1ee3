package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryBudget;
import dev.switchboard.rpc.RetryPolicy;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.Telemetry;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.DelayedGreeter;
import dev.switchboard.rpc.testing.Providers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The balancers' {@code switchboard.lb.*} metrics and the client's retry-budget metrics behind
 * real channels and providers, read with the OpenTelemetry SDK's in-memory reader.
 */
@Timeout(60)
class BalancerMetricsEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final AttributeKey<String> INSTANCE =
      AttributeKey.stringKey("switchboard.instance");
  private static final AttributeKey<String> TARGET = AttributeKey.stringKey("grpc.target");

  private final Closer closer = new Closer();
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private OpenTelemetrySdk sdk;
  private String registry;
  private RpcClient client;

  @BeforeEach
  void setUp() {
    registry = "memory://lb-metrics-" + names.incrementAndGet();
    sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
        .build();
    client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500))
        .telemetry(Telemetry.builder(sdk).tracing(false).build()).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    closer.close();
    sdk.close();
  }

  private DelayedGreeter[] start(int count, RpcServer[] servers) {
    DelayedGreeter[] greeters = new DelayedGreeter[count];
    for (int i = 0; i < count; i++) {
      greeters[i] = closer.register(new DelayedGreeter("g" + i, 0));
      servers[i] = closer.register(Providers.start(registry, greeters[i], 100));
    }
    return greeters;
  }

  private Optional<MetricData> metric(String name) {
    return reader.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  private Map<String, Long> perInstance(String name) {
    Map<String, Long> values = new HashMap<>();
    metric(name).ifPresent(m -> {
      for (LongPointData point : m.getLongSumData().getPoints()) {
        values.merge(point.getAttributes().get(INSTANCE), point.getValue(), Long::sum);
      }
    });
    return values;
  }

  private long gauge(String name) {
    return metric(name).map(m -> m.getLongGaugeData().getPoints().stream()
        .mapToLong(LongPointData::getValue).sum()).orElse(-1L);
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.PEAK_EWMA})
  void everyAttemptIsCountedForTheInstanceThatGotIt(String balancer) {
    RpcServer[] servers = new RpcServer[3];
    DelayedGreeter[] greeters = start(3, servers);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(balancer).build());
    for (int i = 0; i < 60; i++) {
      greeter.sayHello(WORLD);
    }

    Map<String, Long> picks = perInstance("switchboard.lb.picks");
    for (int i = 0; i < 3; i++) {
      assertThat(picks.getOrDefault(servers[i].instance().instanceId(), 0L))
          .as("picks of %s", greeters[i].name()).isEqualTo(greeters[i].calls());
    }
    assertThat(picks.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(60);
    MetricData metric = metric("switchboard.lb.picks").orElseThrow();
    assertThat(metric.getUnit()).isEqualTo("{attempt}");
    assertThat(metric.getLongSumData().getPoints()).allSatisfy(point ->
        assertThat(point.getAttributes().get(TARGET)).endsWith("/helloworld.Greeter"));
  }

  @Test
  void anEjectionAndTheRestorationAreCountedAndTheGaugesFollow() {
    RpcServer[] servers = new RpcServer[3];
    DelayedGreeter[] greeters = start(3, servers);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(Balancer.weightedRoundRobin().failureAccrual(
            FailureAccrual.DEFAULTS.toBuilder().ejection(Duration.ofMillis(300),
                Duration.ofSeconds(1)).build()).build()).build());
    for (int i = 0; i < 30; i++) {
      greeter.sayHello(WORLD);
    }
    String broken = servers[1].instance().instanceId();
    greeters[1].failWith(Status.INTERNAL.withDescription("bad deploy"));

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      callIgnoringFailure(greeter);
      return perInstance("switchboard.lb.ejections").getOrDefault(broken, 0L) >= 1;
    });
    assertThat(perInstance("switchboard.lb.ejections").keySet()).containsExactly(broken);
    assertThat(gauge("switchboard.lb.ejected")).isEqualTo(1);
    assertThat(gauge("switchboard.lb.panic")).isZero();

    greeters[1].failWith(null); // fixed: its next probe succeeds
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      callIgnoringFailure(greeter);
      return perInstance("switchboard.lb.restorations").getOrDefault(broken, 0L) >= 1;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      callIgnoringFailure(greeter);
      return gauge("switchboard.lb.ejected") == 0;
    });
  }

  @Test
  void aNewInstanceCountsAsWarmingUntilItsRampEnds() {
    closer.register(RpcServer.builder().application("test-app").registry(registry)
        .bindAddress("127.0.0.1").weight(100).shutdownHook(false).drainPeriod(Duration.ZERO)
        .clock(Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC))
        .addService(closer.register(new DelayedGreeter("old", 0))).build().start());
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(Balancer.weightedRoundRobin()
            .warmUp(Duration.ofSeconds(2)).build()).build());
    greeter.sayHello(WORLD);
    assertThat(gauge("switchboard.lb.warming")).as("warmed up long ago").isZero();
    MetricData metric = metric("switchboard.lb.warming").orElseThrow();
    assertThat(metric.getUnit()).isEqualTo("{instance}");
    assertThat(metric.getLongGaugeData().getPoints()).singleElement().satisfies(point ->
        assertThat(point.getAttributes().get(TARGET)).endsWith("/helloworld.Greeter"));

    DelayedGreeter fresh = closer.register(new DelayedGreeter("fresh", 0));
    closer.register(Providers.start(registry, fresh, 100)); // starts its ramp now
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
        .until(() -> gauge("switchboard.lb.warming") == 1);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      greeter.sayHello(WORLD);
      return gauge("switchboard.lb.warming") == 0;
    });
    assertThat(fresh.calls()).as("the fresh instance took calls").isPositive();
  }

  @Test
  void aBalancerWithoutWarmUpReportsNoWarming() {
    start(2, new RpcServer[2]); // both just started
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(Balancers.WEIGHTED_ROUND_ROBIN).build());
    greeter.sayHello(WORLD);
    assertThat(gauge("switchboard.lb.warming")).isZero();
  }

  @Test
  void aRetryThatSucceededIsCountedForTheInstanceThatAnswered() {
    RpcServer[] servers = new RpcServer[2];
    DelayedGreeter[] greeters = start(2, servers);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(Balancers.WEIGHTED_ROUND_ROBIN)
            .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build())
            .build());
    for (int i = 0; i < 20; i++) {
      greeter.sayHello(WORLD);
    }
    assertThat(perInstance("switchboard.lb.picks").values().stream().mapToLong(Long::longValue)
        .sum()).isEqualTo(20);
    assertThat(perInstance("switchboard.lb.retries_succeeded")).as("nothing failed")
        .allSatisfy((instance, count) -> assertThat(count).isZero());

    String broken = servers[0].instance().instanceId();
    String healthy = servers[1].instance().instanceId();
    int before = greeters[0].calls();
    greeters[0].failWith(Status.UNAVAILABLE.withDescription("going away"));
    for (int i = 0; i < 10; i++) {
      greeter.sayHello(WORLD); // every call succeeds: a failed attempt fails over to the other
    }

    int failedAttempts = greeters[0].calls() - before;
    assertThat(failedAttempts).as("round robin sent the broken instance some").isPositive();
    Map<String, Long> won = perInstance("switchboard.lb.retries_succeeded");
    assertThat(won.getOrDefault(healthy, 0L)).isGreaterThanOrEqualTo(1)
        .isEqualTo(failedAttempts); // each failed attempt was followed by one retry that won
    assertThat(won.getOrDefault(broken, 0L)).isZero();
    MetricData metric = metric("switchboard.lb.retries_succeeded").orElseThrow();
    assertThat(metric.getUnit()).isEqualTo("{attempt}");
    assertThat(metric.getLongSumData().getPoints()).allSatisfy(point ->
        assertThat(point.getAttributes().get(TARGET)).endsWith("/helloworld.Greeter"));
  }

  @Test
  void retriesTheBudgetRefusesAreCounted() {
    RpcServer[] servers = new RpcServer[2];
    DelayedGreeter[] greeters = start(2, servers);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(Balancers.WEIGHTED_ROUND_ROBIN)
            .retryBudget(new RetryBudget(0.1, 0))
            .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build())
            .build());
    for (int i = 0; i < 20; i++) {
      greeter.sayHello(WORLD);
    }
    for (DelayedGreeter each : greeters) {
      each.failWith(Status.UNAVAILABLE.withDescription("outage"));
    }
    for (int i = 0; i < 50; i++) {
      callIgnoringFailure(greeter);
    }

    long granted = sumOf("switchboard.client.retry_budget.granted");
    long denied = sumOf("switchboard.client.retry_budget.denied");
    assertThat(granted).isPositive();
    assertThat(denied).isGreaterThan(granted); // a 10 % budget refuses most of them
    assertThat(metric("switchboard.client.retry_budget.denied").orElseThrow()
        .getLongSumData().getPoints()).allSatisfy(point -> assertThat(point.getAttributes()
            .get(AttributeKey.stringKey("switchboard.service"))).isEqualTo("helloworld.Greeter"));
    assertThat(metric("grpc.client.call.retries")).as("gRPC's own retry metric").isPresent();
  }

  private long sumOf(String name) {
    return metric(name).map(m -> m.getLongSumData().getPoints().stream()
        .mapToLong(LongPointData::getValue).sum()).orElse(0L);
  }

  private static void callIgnoringFailure(GreeterGrpc.GreeterBlockingStub greeter) {
    try {
      greeter.sayHello(WORLD);
    } catch (StatusRuntimeException e) {
      // the broken instance's answer, or a refused retry
    }
  }
}
