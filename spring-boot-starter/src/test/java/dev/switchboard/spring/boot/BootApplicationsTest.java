package dev.switchboard.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.PrometheusText;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.CallLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Real Spring Boot applications, a provider and a consumer each with the starter's
 * auto-configuration, talking through an embedded ZooKeeper over loopback gRPC.
 */
@Timeout(120)
class BootApplicationsTest {
  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("world").build();
  private static final AtomicInteger roots = new AtomicInteger();
  private static TestingServer zookeeper;

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final String root = "/boot" + roots.incrementAndGet();

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zookeeper = new TestingServer(true);
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    zookeeper.close();
  }

  @AfterEach
  void closeApplications() {
    for (int i = contexts.size() - 1; i >= 0; i--) {
      contexts.get(i).close();
    }
  }

  private String registryUri(TestingServer server) {
    return "zk://" + server.getConnectString() + root;
  }

  private ConfigurableApplicationContext provider(String name, TestingServer server,
      String... extra) {
    List<String> properties = new ArrayList<>(List.of(
        "spring.application.name=greeter",
        "test.greeter=" + name,
        "switchboard.registry.uri=" + registryUri(server),
        "switchboard.registry.snapshots=false",
        "switchboard.server.port=0",
        "switchboard.server.bind-address=127.0.0.1",
        "switchboard.server.drain-period=500ms",
        "switchboard.server.shutdown-grace=5s"));
    properties.addAll(List.of(extra));
    return start(TestApps.Provider.class, properties);
  }

  private ConfigurableApplicationContext consumer(TestingServer server, String... extra) {
    List<String> properties = new ArrayList<>(List.of(
        "spring.application.name=greeting-consumer",
        "switchboard.registry.uri=" + registryUri(server),
        "switchboard.registry.snapshots=false",
        "switchboard.client.shutdown-grace=1s"));
    properties.addAll(List.of(extra));
    return start(TestApps.Consumer.class, properties);
  }

  private ConfigurableApplicationContext start(Class<?> application, List<String> properties) {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
        .web(WebApplicationType.NONE)
        .properties(properties.toArray(String[]::new))
        .run();
    contexts.add(context);
    return context;
  }

  private static RpcServer serverOf(ConfigurableApplicationContext context) {
    return context.getBean(SwitchboardServer.class).server().orElseThrow();
  }

  @Test
  void aProviderRegistersWhenReadyAndAConsumersFieldAndConstructorStubsCallIt() {
    ConfigurableApplicationContext provider = provider("p1", zookeeper);
    RpcServer server = serverOf(provider);
    assertThat(server.registered()).isTrue();
    assertThat(server.instance().application()).isEqualTo("greeter");
    assertThat(provider.getBean(ApplicationAvailability.class).getReadinessState())
        .isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);

    ConfigurableApplicationContext consumer = consumer(zookeeper);
    TestApps.FieldConsumer field = consumer.getBean(TestApps.FieldConsumer.class);
    TestApps.ConstructorConsumer constructor =
        consumer.getBean(TestApps.ConstructorConsumer.class);

    await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> field.greeter.sayHello(WORLD).getMessage().equals("p1: hello world"));
    assertThat(constructor.greeter.sayHello(WORLD).getMessage()).isEqualTo("p1: hello world");
    assertThat(provider.getBean(CountingGreeter.class).calls()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void closingAProviderContextUnderLoadDrainsItAndNoCallFails() throws Exception {
    ConfigurableApplicationContext leaving = provider("leaving", zookeeper);
    provider("staying", zookeeper);
    ConfigurableApplicationContext consumer = consumer(zookeeper);
    var greeter = consumer.getBean(TestApps.ConstructorConsumer.class).greeter;
    CountingGreeter leavingGreeter = leaving.getBean(CountingGreeter.class);
    java.util.Set<String> answering = java.util.concurrent.ConcurrentHashMap.newKeySet();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      answering.add(greeter.sayHello(WORLD).getMessage().split(":")[0]);
      return answering.containsAll(List.of("leaving", "staying"));
    });

    List<CallLoop> loops = List.of(CallLoop.start(() -> greeter.sayHello(WORLD)),
        CallLoop.start(() -> greeter.sayHello(WORLD)));
    await().atMost(Duration.ofSeconds(10)).until(() -> loops.get(0).succeeded() > 50);
    leaving.close(); // the context's graceful shutdown: DRAINING, drain, deregister, GOAWAY
    int servedByLeaving = leavingGreeter.calls();
    int before = loops.get(0).succeeded();
    await().atMost(Duration.ofSeconds(10)).until(() -> loops.get(0).succeeded() > before + 200);
    for (CallLoop loop : loops) {
      loop.close();
    }

    for (CallLoop loop : loops) {
      assertThat(loop.failures()).isEmpty();
    }
    assertThat(leavingGreeter.calls()).isEqualTo(servedByLeaving);
    assertThat(leaving.isActive()).isFalse();
  }

  @Test
  void registryHealthGoesDownWhenTheSessionIsLostAndUpWhenItIsBack() throws Exception {
    try (TestingServer own = new TestingServer(true)) {
      ConfigurableApplicationContext provider = provider("p1", own,
          "switchboard.registry.session-timeout=2s",
          "switchboard.registry.connection-timeout=1s");
      HealthIndicator registry =
          provider.getBean("switchboardRegistryHealthIndicator", HealthIndicator.class);
      HealthIndicator server =
          provider.getBean("switchboardServerHealthIndicator", HealthIndicator.class);
      assertThat(registry.health().getStatus()).isEqualTo(Status.UP);
      assertThat(server.health().getStatus()).isEqualTo(Status.UP);

      own.stop();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> registry.health().getStatus().equals(Status.DOWN));
      assertThat(registry.health().getDetails()).containsEntry("session", "lost");

      own.restart();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> registry.health().getStatus().equals(Status.UP));
      await().atMost(Duration.ofSeconds(30))
          .until(() -> server.health().getStatus().equals(Status.UP));
    }
  }

  // The scrape the docs quote (docs/spring-boot.md): target/actuator-prometheus.txt.
  private static void writeForDocs(String scrape) {
    try {
      java.nio.file.Files.writeString(java.nio.file.Path.of("target", "actuator-prometheus.txt"),
          scrape);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void readinessRefusesTrafficUntilTheInstanceIsRegistered() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (TestingServer late = new TestingServer(port, false)) {
      ConfigurableApplicationContext provider = provider("p1", late,
          "switchboard.server.registration-timeout=200ms",
          "switchboard.registry.connection-timeout=1s");
      ApplicationAvailability availability = provider.getBean(ApplicationAvailability.class);
      HealthIndicator server =
          provider.getBean("switchboardServerHealthIndicator", HealthIndicator.class);
      // ready by Spring Boot's account, but not registered: set back to refusing traffic
      await().atMost(Duration.ofSeconds(10))
          .until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);
      assertThat(server.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
      assertThat(serverOf(provider).registered()).isFalse();

      late.start();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC);
      assertThat(serverOf(provider).registered()).isTrue();
      assertThat(server.health().getStatus()).isEqualTo(Status.UP);
    }
  }

  @Test
  void grpcAndSwitchboardMetricsAppearInMicrometerAndInItsPrometheusScrape() {
    provider("p1", zookeeper);
    ConfigurableApplicationContext consumer = consumer(zookeeper);
    var greeter = consumer.getBean(TestApps.FieldConsumer.class).greeter;
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> greeter.sayHello(WORLD) != null);
    for (int i = 0; i < 20; i++) {
      greeter.sayHello(WORLD);
    }

    MeterRegistry meters = consumer.getBean(MeterRegistry.class);
    assertThat(meters.find("grpc.client.attempt.duration").meters()).isNotEmpty();
    assertThat(meters.find("grpc.client.call.duration").meters()).isNotEmpty();
    assertThat(meters.find("switchboard.lb.picks").meters()).isNotEmpty();
    PrometheusMeterRegistry prometheus = consumer.getBean(PrometheusMeterRegistry.class);
    prometheus.scrape(); // observable instruments get their Micrometer meters when first read
    String scrape = prometheus.scrape();
    writeForDocs(scrape);
    // Prometheus names as OpenTelemetry's own exporter writes them (units as words)
    PrometheusText.Exposition exposition = PrometheusText.parseExposition(scrape);
    assertThat(exposition.types())
        .containsEntry("grpc_client_attempt_duration_seconds", "histogram")
        .containsEntry("grpc_client_attempt_started_total", "counter")
        .containsEntry("switchboard_lb_picks_total", "counter")
        // reported through batch callbacks, which the bridge runs through the starter
        .containsKey("switchboard_lb_ejected")
        .containsKey("switchboard_registry_instances");
    String instance = serverOf(contexts.get(0)).instance().instanceId();
    // latencies keep their resolution below a second (loopback calls take milliseconds)
    assertThat(exposition.samples()).anySatisfy(sample -> {
      assertThat(sample.name()).isEqualTo("grpc_client_attempt_duration_seconds_bucket");
      assertThat(sample.labels()).containsEntry("le", "0.1");
      assertThat(sample.value()).isGreaterThanOrEqualTo(15);
    });
    assertThat(exposition.samples()).anySatisfy(sample -> {
      assertThat(sample.name()).isEqualTo("switchboard_lb_picks_total");
      assertThat(sample.labels()).containsEntry("switchboard_instance", instance);
      assertThat(sample.value()).isGreaterThanOrEqualTo(21);
    });
  }
}
