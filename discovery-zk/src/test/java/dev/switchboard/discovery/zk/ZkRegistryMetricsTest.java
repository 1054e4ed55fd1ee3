package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.Telemetry;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code switchboard.registry.*} metrics of a real {@link RpcClient} on a {@code zk://}
 * registry (an embedded ZooKeeper), read with the OpenTelemetry SDK's in-memory reader, after the
 * scenarios that should move them: a mass drop held back, and a cold start from the disk
 * snapshot while ZooKeeper is down. {@code ZkRegistryHealthTest} checks the same scenarios on
 * {@code Registry.health()}; this checks what reaches the metrics. Each test has its own
 * ZooKeeper server with a 200 ms tick, so that 4 s sessions are allowed.
 */
@Timeout(90)
class ZkRegistryMetricsTest {
  private static final String SERVICE = "helloworld.Greeter";
  private static final String ROOT = "/metrics";
  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("world").build();
  private static final AttributeKey<String> ROLE = AttributeKey.stringKey("switchboard.role");
  private static final AttributeKey<String> SERVICE_KEY =
      AttributeKey.stringKey("switchboard.service");
  private static final AttributeKey<String> SESSION =
      AttributeKey.stringKey("switchboard.registry.session");
  /** The labels of every per-service series of a client's registry. */
  private static final Attributes CLIENT_SERVICE =
      Attributes.of(ROLE, "client", SERVICE_KEY, SERVICE);

  private final Closer closer = new Closer();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private OpenTelemetrySdk sdk;
  private TestingServer zookeeper;

  @TempDir
  Path snapshots;

  @BeforeEach
  void setUp() throws Exception {
    zookeeper = closer.register(new TestingServer(
        new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true));
    sdk = closer.register(OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build());
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private String uri(String parameters) {
    return "zk://" + zookeeper.getConnectString() + ROOT + "?sessionTimeout=PT4S&" + parameters;
  }

  private RpcClient client(String registryUri, Telemetry telemetry) {
    return closer.register(RpcClient.builder().registry(registryUri)
        .shutdownGrace(Duration.ofMillis(200)).telemetry(telemetry).build());
  }

  /** Opens a registry for providers (no snapshots) that the test registers instances with. */
  private Registry providerRegistry() {
    return closer.register(ZkRegistry.open(ZkRegistryConfig.fromUri(
        URI.create(uri("snapshotDir=none")))));
  }

  /** Starts a Greeter that registers nowhere and returns its instance, to register by hand. */
  private ProviderInstance unregisteredGreeter(String name) {
    int port = closer.register(Providers.startUnregistered(new TestGreeter(name), 0)).port();
    return new ProviderInstance(ProviderInstance.newInstanceId("127.0.0.1", port), "greeter",
        "127.0.0.1", port, InstanceState.SERVING, Instant.now(),
        List.of(ExportedService.of(SERVICE)));
  }

  private Map<String, MetricData> collected() {
    return metrics.collectAllMetrics().stream()
        .collect(Collectors.toMap(MetricData::getName, m -> m, (a, b) -> a));
  }

  /** Returns the long points of {@code metric} (a gauge or a sum) by their attributes. */
  private static Map<Attributes, Long> longPoints(MetricData metric) {
    List<LongPointData> points = new ArrayList<>();
    switch (metric.getType()) {
      case LONG_GAUGE -> points.addAll(metric.getLongGaugeData().getPoints());
      case LONG_SUM -> points.addAll(metric.getLongSumData().getPoints());
      default -> throw new AssertionError(metric.getName() + " is a " + metric.getType());
    }
    return points.stream()
        .collect(Collectors.toMap(LongPointData::getAttributes, LongPointData::getValue));
  }

  /** Returns the one point of {@code name} for the client's view of the Greeter, if present. */
  private static Optional<Long> clientServiceValue(Map<String, MetricData> all, String name) {
    return Optional.ofNullable(all.get(name)).map(m -> longPoints(m).get(CLIENT_SERVICE));
  }

  /** Returns the client's session gauge: 0 or 1 per state. */
  private static Map<String, Long> sessionStates(Map<String, MetricData> all) {
    MetricData session = all.get("switchboard.registry.session");
    assertThat(session).as("switchboard.registry.session").isNotNull();
    assertThat(session.getUnit()).isEqualTo("{state}");
    return longPoints(session).entrySet().stream()
        .filter(e -> "client".equals(e.getKey().get(ROLE)))
        .peek(e -> assertThat(e.getKey().asMap()).hasSize(2)) // role and state, nothing else
        .collect(Collectors.toMap(e -> e.getKey().get(SESSION), Map.Entry::getValue));
  }

  private static int instanceNodes(CuratorFramework admin) throws Exception {
    return admin.getChildren().forPath("/v1/apps/greeter/instances").size();
  }

  @Test
  void aHeldMassDropIsCountedAndTheHeldViewIsWhatTheInstancesGaugeReports() throws Exception {
    Registry providers = providerRegistry();
    List<Registration> registrations = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      registrations.add(providers.register(unregisteredGreeter("g" + i)));
    }
    for (Registration registration : registrations) {
      assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    }
    RpcClient client = client(uri("snapshotDir=none&dropProtection=PT1H&debounce=PT0S"),
        Telemetry.builder(sdk).build());
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub);
    assertThat(greeter.withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(WORLD).getServedBy())
        .startsWith("g");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        clientServiceValue(collected(), "switchboard.registry.instances").orElse(-1L) == 4);
    Map<String, MetricData> before = collected();
    assertThat(clientServiceValue(before, "switchboard.registry.mass_drop_holds")).contains(0L);

    // Three of four vanish unannounced (no DRAINING first): a mass drop, held for the window.
    for (Registration gone : registrations.subList(1, 4)) {
      gone.close();
    }
    CuratorFramework admin = closer.register(CuratorFrameworkFactory.builder()
        .connectString(zookeeper.getConnectString()).namespace(ROOT.substring(1))
        .retryPolicy(new RetryOneTime(100)).build());
    admin.start();
    assertThat(instanceNodes(admin)).as("instances left in ZooKeeper").isEqualTo(1);

    await().atMost(Duration.ofSeconds(10)).until(() ->
        clientServiceValue(collected(), "switchboard.registry.mass_drop_holds").orElse(0L) >= 1);
    Map<String, MetricData> held = collected();
    MetricData holds = held.get("switchboard.registry.mass_drop_holds");
    assertThat(holds.getUnit()).isEqualTo("{hold}");
    assertThat(holds.getLongSumData().isMonotonic()).as("a counter").isTrue();
    assertThat(longPoints(holds)).containsOnlyKeys(CLIENT_SERVICE);
    MetricData instances = held.get("switchboard.registry.instances");
    assertThat(instances.getUnit()).isEqualTo("{instance}");
    assertThat(longPoints(instances)).as("the held view: 1 live + 3 held")
        .containsExactly(Map.entry(CLIENT_SERVICE, 4L));
    // Holding a mass drop is not holding the last known good: ZooKeeper answered.
    assertThat(clientServiceValue(held, "switchboard.registry.last_known_good")).contains(0L);
    assertThat(sessionStates(held)).containsEntry("connected", 1L).containsEntry("lost", 0L);
    assertThat(greeter.withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(WORLD).getServedBy())
        .startsWith("g");
  }

  @Test
  void aColdStartFromTheDiskSnapshotReportsSnapshotUseAndAgeUntilZooKeeperAnswers()
      throws Exception {
    String registryUri = uri("snapshotDir=" + snapshots + "&connectionTimeout=PT1S");
    ProviderInstance instance = unregisteredGreeter("snapshotted");
    Registration registration = providerRegistry().register(instance);
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    // A first client, without telemetry, calls while ZooKeeper is up: its view is saved.
    try (RpcClient first = RpcClient.builder().registry(registryUri)
        .shutdownGrace(Duration.ofMillis(200)).telemetry(Telemetry.disabled()).build()) {
      assertThat(first.stub(GreeterGrpc::newBlockingStub).withDeadlineAfter(10, TimeUnit.SECONDS)
          .sayHello(WORLD).getServedBy()).isEqualTo("snapshotted");
      await().atMost(Duration.ofSeconds(10)).until(() -> savedSnapshot().isPresent());
    }
    JsonNode saved = savedSnapshot().orElseThrow();
    assertThat(saved.path("instances").findValuesAsText("instanceId"))
        .containsExactly(instance.instanceId());
    long writtenAtMs = saved.path("writtenAtMs").asLong();
    assertThat(collected()).as("nothing reported yet").isEmpty();
    zookeeper.stop();

    RpcClient cold = client(registryUri, Telemetry.builder(sdk).build());
    // Buffered until the watch gives up on ZooKeeper (1 s) and serves the snapshot.
    HelloReply reply = cold.stub(GreeterGrpc::newBlockingStub)
        .withDeadlineAfter(20, TimeUnit.SECONDS).sayHello(WORLD);
    assertThat(reply.getServedBy()).isEqualTo("snapshotted");

    long ageBeforeCollectingMs = System.currentTimeMillis() - writtenAtMs;
    Map<String, MetricData> all = collected();
    long ageAfterCollectingMs = System.currentTimeMillis() - writtenAtMs;
    MetricData inUse = all.get("switchboard.registry.snapshot.in_use");
    assertThat(inUse).as("switchboard.registry.snapshot.in_use").isNotNull();
    assertThat(inUse.getUnit()).isEqualTo("{state}");
    assertThat(longPoints(inUse)).containsExactly(Map.entry(CLIENT_SERVICE, 1L));
    MetricData age = all.get("switchboard.registry.snapshot.age");
    assertThat(age).as("switchboard.registry.snapshot.age").isNotNull();
    assertThat(age.getUnit()).isEqualTo("s");
    Collection<DoublePointData> agePoints = age.getDoubleGaugeData().getPoints();
    assertThat(agePoints).as("snapshot.age series").hasSize(1);
    DoublePointData agePoint = agePoints.iterator().next();
    assertThat(agePoint.getAttributes()).isEqualTo(CLIENT_SERVICE);
    // The age is the time since the snapshot was written, read when the reader collected;
    // at least the 1 s the watch waited for ZooKeeper before using it.
    assertThat(agePoint.getValue()).isGreaterThan(0.0).isGreaterThanOrEqualTo(1.0)
        .isBetween(ageBeforeCollectingMs / 1000.0 - 0.001, ageAfterCollectingMs / 1000.0 + 0.001);
    assertThat(clientServiceValue(all, "switchboard.registry.instances")).contains(1L);
    assertThat(clientServiceValue(all, "switchboard.registry.last_known_good")).contains(1L);
    // Never connected: no session yet, which the registry reports as lost.
    assertThat(sessionStates(all)).containsOnly(Map.entry("connected", 0L),
        Map.entry("suspended", 0L), Map.entry("lost", 1L), Map.entry("read_only", 0L),
        Map.entry("not_applicable", 0L));

    zookeeper.restart();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Map<String, MetricData> answered = collected();
      assertThat(sessionStates(answered)).containsEntry("connected", 1L)
          .containsEntry("lost", 0L);
      assertThat(clientServiceValue(answered, "switchboard.registry.snapshot.in_use"))
          .contains(0L);
      assertThat(clientServiceValue(answered, "switchboard.registry.last_known_good"))
          .contains(0L);
      assertThat(Optional.ofNullable(answered.get("switchboard.registry.snapshot.age"))
          .map(m -> m.getDoubleGaugeData().getPoints()).orElse(List.of()))
          .as("no age once ZooKeeper answers").isEmpty();
    });
    assertThat(clientServiceValue(collected(), "switchboard.registry.instances")).contains(1L);
  }

  /** Returns the Greeter's snapshot file under the snapshot directory, once one is written. */
  private Optional<JsonNode> savedSnapshot() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(snapshots)) {
      files = walk.filter(Files::isRegularFile)
          .filter(file -> !file.getFileName().toString().endsWith(".tmp")).toList();
    }
    for (Path file : files) {
      JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
      if (root != null && SERVICE.equals(root.path("service").asText())) {
        return Optional.of(root);
      }
    }
    return Optional.empty();
  }
}
