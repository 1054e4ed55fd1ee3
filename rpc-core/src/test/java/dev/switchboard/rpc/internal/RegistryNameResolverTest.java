package dev.switchboard.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The resolver bridge with the real in-memory registry, the JVM's own DNS resolver (for
 * {@code localhost} and the never-resolvable {@code .invalid} names) and real gRPC channels.
 */
@Timeout(60)
class RegistryNameResolverTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final String SERVICE = "helloworld.Greeter";
  private static final String UNRESOLVABLE = "no-such-host.invalid";

  private final Closer closer = new Closer();
  private final String registryUri = "memory://resolver-" + names.incrementAndGet();
  private final Registry providers = track(RegistryProviders.loadDefault().open(registryUri));
  private final ExecutorService offload = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "test-offload");
    thread.setDaemon(true);
    return thread;
  });
  private final List<String> lookUpThreads = new CopyOnWriteArrayList<>();
  private final RegistryNameResolver.HostLookup realDns = host -> {
    lookUpThreads.add(Thread.currentThread().getName());
    return InetAddress.getByName(host);
  };
  private final Results results = new Results();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
    offload.shutdownNow();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private RegistryNameResolver start(boolean withOffload, RegistryNameResolver.HostLookup dns) {
    NameResolver.Args.Builder args = NameResolver.Args.newBuilder()
        .setDefaultPort(443)
        .setProxyDetector(address -> null)
        .setSynchronizationContext(results.syncContext())
        .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
          @Override
          public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> config) {
            return NameResolver.ConfigOrError.fromConfig(config);
          }
        });
    if (withOffload) {
      args.setOffloadExecutor(offload);
    }
    RegistryNameResolver resolver = new RegistryNameResolver(
        RegistryTarget.parse(URI.create(registryUri + "/" + SERVICE)),
        RegistryProviders.loadDefault().open(registryUri), true, args.build(), dns);
    closer.register(resolver::shutdown);
    resolver.start(results);
    return resolver;
  }

  private Registration register(String host, int port) {
    return providers.register(new ProviderInstance(ProviderInstance.newInstanceId(host, port),
        "test-app", host, port, InstanceState.SERVING, Instant.now(),
        List.of(ExportedService.of(SERVICE))));
  }

  private static InetSocketAddress address(String host, int port) throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }

  @Test
  void ipLiteralsAreParsedNeverLookedUp() throws Exception {
    assertThat(RegistryNameResolver.parseLiteral("10.0.0.7").getHostAddress())
        .isEqualTo("10.0.0.7");
    assertThat(RegistryNameResolver.parseLiteral("::1").isLoopbackAddress()).isTrue();
    assertThat(RegistryNameResolver.parseLiteral("[::1]").isLoopbackAddress()).isTrue();
    assertThat(RegistryNameResolver.parseLiteral("fd00::7:1").getHostAddress())
        .isEqualTo("fd00:0:0:0:0:0:7:1");
    assertThat(RegistryNameResolver.parseLiteral("localhost")).isNull();
    assertThat(RegistryNameResolver.parseLiteral("10.0.0.7.example.com")).isNull();
    assertThatThrownBy(() -> RegistryNameResolver.parseLiteral("10.0.0.256"))
        .hasMessageContaining("'10.0.0.256' is not a valid IPv4 address");
    assertThatThrownBy(() -> RegistryNameResolver.parseLiteral("zz::1"))
        .hasMessageContaining("'zz::1' is not a valid IPv6 address");
    assertThatThrownBy(() -> RegistryNameResolver.parseLiteral("fd00::1::2"))
        .isInstanceOf(UnknownHostException.class);

    register("127.0.0.1", 7001);
    register("::1", 7002);
    AtomicInteger lookUps = new AtomicInteger();
    start(true, host -> {
      lookUps.incrementAndGet();
      throw new UnknownHostException("no DNS in this test");
    });

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactlyInAnyOrder(
            address("127.0.0.1", 7001), address("::1", 7002)));
    assertThat(lookUps).hasValue(0);
  }

  @Test
  void hostNamesResolveOffTheRegistryThreadAndUnresolvableOnesAreSkipped() throws Exception {
    register("localhost", 7001);
    register(UNRESOLVABLE, 7002);
    register("127.0.0.1", 7003);

    start(true, realDns);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactlyInAnyOrder(
            address("localhost", 7001), address("127.0.0.1", 7003)));
    assertThat(lookUpThreads).isNotEmpty().allMatch(name -> name.equals("test-offload"));
    assertThat(results.published).noneMatch(List::isEmpty);
    assertThat(results.failures).isEmpty();
  }

  @Test
  void withoutAnOffloadExecutorTheResolverLooksUpOnItsOwnThread() throws Exception {
    register("localhost", 7001);

    start(false, realDns);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactly(address("localhost", 7001)));
    assertThat(lookUpThreads).allMatch(name -> name.startsWith("switchboard-resolver-"));
  }

  @Test
  void theOnlyInstanceBecomingUnresolvableKeepsThePreviousAddress() throws Exception {
    Registration only = register("localhost", 7001);
    start(true, realDns);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactly(address("localhost", 7001)));

    register(UNRESOLVABLE, 7002);
    only.close(); // the snapshot now holds only an instance that cannot be resolved

    await().atMost(Duration.ofSeconds(10)).until(() -> lookUpThreads.size() >= 3);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactly(address("localhost", 7001)));
    register("127.0.0.1", 7003);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactly(address("127.0.0.1", 7003)));
    assertThat(results.published).noneMatch(List::isEmpty);
  }

  @Test
  void aHostKeepsItsLastGoodAddressAndRefreshLooksItUpAgain() throws Exception {
    List<String> answers = new CopyOnWriteArrayList<>(List.of("10.0.0.1", "10.0.0.2"));
    AtomicInteger lookUps = new AtomicInteger();
    register("svc.example", 7001);
    RegistryNameResolver resolver = start(true, host -> {
      lookUps.incrementAndGet();
      if (answers.isEmpty()) {
        throw new UnknownHostException(host + ": DNS is down");
      }
      return InetAddress.getByName(answers.remove(0)); // a literal: parsed, not looked up
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactly(address("10.0.0.1", 7001)));

    results.syncContext().execute(resolver::refresh);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactly(address("10.0.0.2", 7001)));

    results.syncContext().execute(resolver::refresh); // this look-up fails
    await().atMost(Duration.ofSeconds(10)).until(() -> lookUps.get() == 3);
    register("svc.example", 7002); // served from the cache: no look-up
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactlyInAnyOrder(
            address("10.0.0.2", 7001), address("10.0.0.2", 7002)));
    assertThat(lookUps).hasValue(3);
  }

  @Test
  void aSlowLookUpNeverPublishesAfterANewerSnapshot() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    Registration slow = register("slow.example", 7001);
    start(true, host -> {
      try {
        release.await(30, TimeUnit.SECONDS);
        return InetAddress.getByName("10.0.0.9");
      } catch (InterruptedException e) {
        throw new UnknownHostException("interrupted");
      } finally {
        finished.incrementAndGet();
      }
    });
    slow.close();
    register("127.0.0.1", 7002);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactly(address("127.0.0.1", 7002)));

    release.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> finished.get() >= 1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(results.latestAddresses()).containsExactly(address("127.0.0.1", 7002)));
    assertThat(results.published).noneMatch(groups -> groups.toString().contains("10.0.0.9"));
  }

  @Test
  void aRealChannelReachesAProviderAdvertisedByHostName() throws Exception {
    InetAddress localhost = InetAddress.getByName("localhost");
    RpcServer server = track(RpcServer.builder().application("test-app")
        .registry(registryUri).bindAddress(localhost.getHostAddress())
        .advertisedHost("localhost").shutdownHook(false).drainPeriod(Duration.ZERO)
        .addService(new TestGreeter("by-name")).build().start());
    ManagedChannel channel = ManagedChannelBuilder.forTarget(registryUri + "/" + SERVICE)
        .defaultLoadBalancingPolicy("round_robin").usePlaintext().build();
    closer.register(channel::shutdownNow);

    String servedBy = GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .sayHello(HelloRequest.newBuilder().setName("x").build()).getServedBy();

    assertThat(servedBy).isEqualTo("by-name");
    assertThat(server.instance().host()).isEqualTo("localhost");
  }

  /** Records what the resolver publishes. Thread-safe. */
  private static final class Results extends NameResolver.Listener2 {
    final List<List<EquivalentAddressGroup>> published = new CopyOnWriteArrayList<>();
    final List<Status> errors = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final SynchronizationContext syncContext =
        new SynchronizationContext((thread, e) -> failures.add(e));

    SynchronizationContext syncContext() {
      return syncContext;
    }

    @Override
    public void onResult(NameResolver.ResolutionResult result) {
      published.add(result.getAddressesOrError().getValue());
    }

    @Override
    public void onError(Status error) {
      errors.add(error);
    }

    List<InetSocketAddress> latestAddresses() {
      if (published.isEmpty()) {
        return null;
      }
      return published.get(published.size() - 1).stream()
          .map(group -> (InetSocketAddress) group.getAddresses().get(0)).toList();
    }
  }
}
