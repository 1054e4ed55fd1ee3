package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.proto.helloworld.HelloStreamRequest;
import dev.switchboard.rpc.testing.CallLoop;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.Replies;
import dev.switchboard.rpc.testing.SilentGreeter;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole path through the in-memory registry, with gRPC's own round_robin. */
@Timeout(60)
class MemoryRegistryEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("world").build();

  private final Closer closer = new Closer();
  private String registry;
  private RpcClient client;

  static final class Consumer {
    @RpcReference
    GreeterGrpc.GreeterBlockingStub blocking;
    @RpcReference
    GreeterGrpc.GreeterFutureStub future;
    @RpcReference(service = "helloworld.Greeter")
    GreeterGrpc.GreeterStub async;
    GreeterGrpc.GreeterBlockingStub notAnnotated;
  }

  static final class DeadlineConsumer {
    @RpcReference(deadline = "200ms")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  static final class WrongType {
    @RpcReference
    String notAStub;
  }

  static final class BadDeadline {
    @RpcReference(deadline = "soon")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  static final class UnknownBalancer {
    @RpcReference(balancer = "no_such_policy")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  @BeforeEach
  void setUp() {
    registry = "memory://e2e-" + names.incrementAndGet();
    client = track(RpcClient.builder().registry(registry).defaultBalancer("round_robin")
        .shutdownGrace(Duration.ofMillis(500)).build());
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  @Test
  void injectedBlockingFutureAndAsyncStubsReachProviders() throws Exception {
    TestGreeter a = new TestGreeter("a");
    TestGreeter b = new TestGreeter("b");
    track(Providers.start(registry, a, 100));
    track(Providers.start(registry, b, 100));

    Consumer consumer = client.inject(new Consumer());

    assertThat(consumer.notAnnotated).isNull();
    assertThat(consumer.blocking.sayHello(WORLD).getMessage()).isEqualTo("Hello world");
    ListenableFuture<HelloReply> reply = consumer.future.sayHello(WORLD);
    assertThat(reply.get(10, TimeUnit.SECONDS).getMessage()).isEqualTo("Hello world");
    CompletableFuture<HelloReply> asyncReply = new CompletableFuture<>();
    consumer.async.sayHello(WORLD, Replies.completing(asyncReply));
    assertThat(asyncReply.get(10, TimeUnit.SECONDS).getMessage()).isEqualTo("Hello world");
    Iterator<HelloReply> stream = consumer.blocking.sayHelloStream(
        HelloStreamRequest.newBuilder().setName("s").setCount(3).build());
    assertThat(stream).toIterable().hasSize(3);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      consumer.blocking.sayHello(WORLD);
      assertThat(a.calls()).isPositive();
      assertThat(b.calls()).isPositive();
    });
  }

  @Test
  void plainGrpcChannelResolvesRegistryTarget() {
    track(Providers.start(registry, new TestGreeter("a"), 100));
    ManagedChannel channel = ManagedChannelBuilder
        .forTarget(registry + "/helloworld.Greeter")
        .defaultLoadBalancingPolicy("round_robin")
        .usePlaintext()
        .build();
    track(channel::shutdownNow);

    HelloReply reply = GreeterGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(WORLD);

    assertThat(reply.getServedBy()).isEqualTo("a");
    assertThat(channel.authority()).isEqualTo("helloworld.Greeter");
  }

  @Test
  void providerStartedLaterReceivesCalls() {
    track(Providers.start(registry, new TestGreeter("a"), 100));
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub);
    assertThat(greeter.sayHello(WORLD).getServedBy()).isEqualTo("a");

    TestGreeter late = new TestGreeter("late");
    track(Providers.start(registry, late, 100));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      greeter.sayHello(WORLD);
      assertThat(late.calls()).isPositive();
    });
  }

  @Test
  void gracefulCloseLosesNoCall() throws Exception {
    TestGreeter a = new TestGreeter("a");
    TestGreeter b = new TestGreeter("b");
    RpcServer leaving = Providers.start(registry, a, 100);
    track(Providers.start(registry, b, 100));
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      greeter.sayHello(WORLD);
      assertThat(a.calls()).isPositive();
    });

    CallLoop calls = CallLoop.start(
        () -> greeter.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(WORLD));
    leaving.close();
    int servedByLeaverAfterClose = a.calls();
    int before = calls.succeeded();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.succeeded() > before + 50);
    calls.close();

    assertThat(calls.failures()).isEmpty();
    assertThat(a.calls()).isEqualTo(servedByLeaverAfterClose);
  }

  @Test
  void referenceDeadlineBoundsCallsWithoutOne() {
    SilentGreeter silent = new SilentGreeter();
    track(Providers.start(registry, silent, 100));
    DeadlineConsumer consumer = client.inject(new DeadlineConsumer());

    assertThatThrownBy(() -> consumer.greeter.sayHello(WORLD))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(silent.pending()).isEqualTo(1);
  }

  @Test
  void badReferencesFailNamingTheField() {
    assertThatThrownBy(() -> client.inject(new WrongType()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(WrongType.class.getName() + ".notAStub")
        .hasMessageContaining("java.lang.String is not a generated gRPC stub");
    assertThatThrownBy(() -> client.inject(new BadDeadline()))
        .hasMessageContaining(BadDeadline.class.getName() + ".greeter")
        .hasMessageContaining("duration 'soon' is invalid");
    assertThatThrownBy(() -> client.inject(new UnknownBalancer()))
        .hasMessageContaining(UnknownBalancer.class.getName() + ".greeter")
        .hasMessageContaining("balancer 'no_such_policy' is unknown");
  }

  @Test
  void badClientSettingsFailAtBuild() {
    assertThatThrownBy(() -> RpcClient.builder().registry("nosuch://x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown scheme 'nosuch'")
        .hasMessageContaining("memory");
    assertThatThrownBy(() -> RpcClient.builder().defaultBalancer("nope"))
        .hasMessageContaining("balancer 'nope' is unknown");
    assertThatThrownBy(() -> RpcClient.builder().defaultDeadline(Duration.ZERO))
        .hasMessageContaining("not positive");
    assertThatThrownBy(() -> RpcClient.builder().build())
        .hasMessageContaining("no registry set");
  }

  @Test
  void stubsByClassAndByFactoryBothWork() {
    track(Providers.start(registry, new TestGreeter("a"), 100));

    GreeterGrpc.GreeterBlockingStub byFactory = client.stub(GreeterGrpc::newBlockingStub);
    GreeterGrpc.GreeterBlockingStub byClass = client.stub(GreeterGrpc.GreeterBlockingStub.class);

    assertThat(byFactory.getChannel().authority()).isEqualTo("helloworld.Greeter");
    assertThat(byFactory.sayHello(WORLD).getServedBy()).isEqualTo("a");
    assertThat(byClass.sayHello(WORLD).getServedBy()).isEqualTo("a");
  }
}
