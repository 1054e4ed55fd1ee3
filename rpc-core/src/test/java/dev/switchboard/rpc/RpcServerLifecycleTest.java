package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.RegistryProviders;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.registry.Watch;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How {@link RpcServer} starts, fails to start, drains and stops, on real loopback servers. */
@Timeout(60)
class RpcServerLifecycleTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final String SERVICE = "helloworld.Greeter";
  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("world").build();

  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private static RpcServer.Builder server() {
    return RpcServer.builder().application("test-app").bindAddress("127.0.0.1")
        .shutdownHook(false).shutdownGrace(Duration.ofSeconds(2))
        .addService(new TestGreeter("a"));
  }

  private static boolean portIsFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aRegistryThatThrowsOnRegisterLeavesNoServerBehind() {
    RefusingRegistry registry = new RefusingRegistry(false);
    RpcServer server = server().registry(registry).build();

    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("registry refuses instance");

    int port = registry.offered.get().port();
    await().atMost(Duration.ofSeconds(10)).until(() -> portIsFree(port));
    assertThat(registry.closed).isFalse(); // borrowed: the caller closes it
    assertThatThrownBy(server::start).hasMessageContaining("already CLOSED");
    server.close(); // a no-op, not a second failure
  }

  @Test
  void aRegistrationThatFailsIsClosedBeforeTheServerStops() {
    RefusingRegistry registry = new RefusingRegistry(true);
    RpcServer server = server().registry(registry).build();

    assertThatThrownBy(server::start).hasMessageContaining("registration broke");

    assertThat(registry.registrationClosed).isTrue();
    int port = registry.offered.get().port();
    await().atMost(Duration.ofSeconds(10)).until(() -> portIsFree(port));
  }

  @Test
  void theDrainLastsForTheDrainPeriodOfTheInjectedTicker() throws Exception {
    String registryUri = "memory://lifecycle-" + names.incrementAndGet();
    AtomicLong nanos = new AtomicLong();
    RpcServer server = server().registry(registryUri).drainPeriod(Duration.ofHours(1))
        .ticker(nanos::get).build().start();
    int port = server.port();
    Recorder watcher = watch(registryUri);
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.latestState() == InstanceState.SERVING);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.latestState() == InstanceState.DRAINING);
    ManagedChannel channel = track(ManagedChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext().build());
    // Still serving while draining: consumers that have not seen DRAINING yet lose no call.
    assertThat(GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(WORLD).getServedBy()).isEqualTo("a");
    assertThat(closing).isNotDone();

    nanos.addAndGet(Duration.ofHours(1).toNanos());

    closing.get(10, TimeUnit.SECONDS);
    assertThat(watcher.latest()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> portIsFree(port));
  }

  @Test
  void interruptingTheClosingThreadEndsTheDrainAndStillStops() throws Exception {
    String registryUri = "memory://lifecycle-" + names.incrementAndGet();
    RpcServer server = server().registry(registryUri).drainPeriod(Duration.ofHours(1))
        .build().start();
    int port = server.port();
    Recorder watcher = watch(registryUri);
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.latestState() == InstanceState.SERVING);
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread closing = new Thread(() -> {
      server.close();
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    }, "closing");
    closing.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.latestState() == InstanceState.DRAINING);

    closing.interrupt();

    closing.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(closing.isAlive()).isFalse();
    assertThat(stillInterrupted).isTrue();
    // deregistered: the registry tells its watchers on its own thread, so wait for the news
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.latest().isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> portIsFree(port));
  }

  @Test
  void aDeferredRegistrationServesFirstAndRegistersOnlyWhenAsked() throws Exception {
    String registryUri = "memory://lifecycle-" + names.incrementAndGet();
    Recorder watcher = watch(registryUri);
    RpcServer server = track(server().registry(registryUri).drainPeriod(Duration.ZERO)
        .deferRegistration().build().start());
    ManagedChannel channel = track(ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
        .usePlaintext().build());

    // serving already (a readiness probe or a warm-up call can reach it), registered nowhere
    assertThat(GreeterGrpc.newBlockingStub(channel).sayHello(WORLD).getMessage()).isEqualTo("Hello world");
    assertThat(server.registered()).isFalse();
    assertThat(server.instance()).isNull();
    assertThat(watcher.latest()).isNullOrEmpty();

    server.register();
    assertThat(server.registered()).isTrue();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> watcher.latestState() == InstanceState.SERVING);
    String instanceId = server.instance().instanceId();
    server.register(); // idempotent: the same registration
    assertThat(server.instance().instanceId()).isEqualTo(instanceId);

    server.close();
    assertThat(server.registered()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.latest().isEmpty());
    assertThatThrownBy(server::register).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CLOSED");
  }

  private Recorder watch(String registryUri) {
    Registry registry = track(RegistryProviders.loadDefault().open(registryUri));
    Recorder recorder = new Recorder();
    registry.watch(SERVICE, recorder);
    return recorder;
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private ManagedChannel track(ManagedChannel channel) {
    closer.register(channel::shutdownNow);
    return channel;
  }

  /** Records the snapshots of a watch. Thread-safe. */
  private static final class Recorder implements RegistryListener {
    private final List<List<ServiceInstance>> snapshots = new CopyOnWriteArrayList<>();

    @Override
    public void onSnapshot(List<ServiceInstance> instances) {
      snapshots.add(instances);
    }

    @Override
    public void onError(Status error) {}

    List<ServiceInstance> latest() {
      return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
    }

    InstanceState latestState() {
      List<ServiceInstance> latest = latest();
      return latest == null || latest.size() != 1 ? null : latest.get(0).state();
    }
  }

  /**
   * A registry that refuses: {@code register} throws, or (with {@code failLater}) returns a
   * registration whose wait for the first publication throws. Thread-safe.
   */
  private static final class RefusingRegistry implements Registry {
    final AtomicReference<ProviderInstance> offered = new AtomicReference<>();
    final boolean failLater;
    volatile boolean closed;
    volatile boolean registrationClosed;

    RefusingRegistry(boolean failLater) {
      this.failLater = failLater;
    }

    @Override
    public Registration register(ProviderInstance instance) {
      offered.set(instance);
      if (!failLater) {
        throw new IllegalStateException("registry refuses instance " + instance.instanceId());
      }
      return new Registration() {
        @Override
        public ProviderInstance instance() {
          return instance;
        }

        @Override
        public void update(ProviderInstance updated) {}

        @Override
        public boolean awaitRegistered(Duration timeout) {
          throw new IllegalStateException("registration broke");
        }

        @Override
        public void close() {
          registrationClosed = true;
        }
      };
    }

    @Override
    public Watch watch(String service, RegistryListener listener) {
      throw new UnsupportedOperationException("watch");
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
