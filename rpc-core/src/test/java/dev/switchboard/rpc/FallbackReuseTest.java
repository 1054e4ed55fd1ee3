package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.testing.Closer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fallback given by class is created once per client, however many references use it: injecting
 * the same reference again and again must not create (and serve) a new fallback object each time.
 */
@Timeout(60)
class FallbackReuseTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("world").build();

  private final Closer closer = new Closer();
  private String registry;
  private RpcClient client;

  /** Counts its constructions and the calls it answers. */
  static final class CountingFallback extends GreeterGrpc.GreeterImplBase {
    static final AtomicInteger constructions = new AtomicInteger();
    static final AtomicInteger answered = new AtomicInteger();

    CountingFallback() {
      constructions.incrementAndGet();
    }

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      answered.incrementAndGet();
      responses.onNext(HelloReply.newBuilder().setMessage("fallback " + request.getName())
          .setServedBy("fallback").build());
      responses.onCompleted();
    }
  }

  static final class Consumer {
    @RpcReference(fallback = CountingFallback.class, deadline = "10s")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  static final class TwoFields {
    @RpcReference(fallback = CountingFallback.class, deadline = "10s")
    GreeterGrpc.GreeterBlockingStub first;
    @RpcReference(fallback = CountingFallback.class, deadline = "10s",
        methods = @RpcMethod(name = "SayHello", deadline = "5s"))
    GreeterGrpc.GreeterFutureStub second;
  }

  static final class WithoutFallback {
    @RpcReference(deadline = "10s")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  @BeforeEach
  void setUp() {
    CountingFallback.constructions.set(0);
    CountingFallback.answered.set(0);
    registry = "memory://fallback-reuse-" + names.incrementAndGet();
    client = newClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private RpcClient newClient() {
    return closer.register(RpcClient.builder().registry(registry).defaultBalancer("round_robin")
        .shutdownGrace(Duration.ofMillis(200)).build());
  }

  @Test
  void injectingTwentyTimesCreatesTheFallbackOnce() {
    List<Consumer> consumers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      consumers.add(client.inject(new Consumer()));
    }

    assertThat(CountingFallback.constructions).hasValue(1);
    assertThat(consumers).allSatisfy(c -> assertThat(c.greeter).isNotNull());
    assertThat(CountingFallback.answered).as("nothing called yet").hasValue(0);
  }

  @Test
  void everyInjectedStubStillGetsTheFallbacksAnswer() {
    List<Consumer> consumers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      consumers.add(client.inject(new Consumer()));
    }
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    for (int i : new int[] {0, 9, 19}) {
      HelloReply reply = consumers.get(i).greeter
          .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
          .sayHello(WORLD);
      assertThat(reply.getServedBy()).as("stub %d", i).isEqualTo("fallback");
      assertThat(reply.getMessage()).isEqualTo("fallback world");
      assertThat(trailers.get().get(Fallbacks.HEADER)).as("stub %d", i)
          .isEqualTo(Fallbacks.OBJECT);
    }

    assertThat(CountingFallback.constructions).hasValue(1);
    assertThat(CountingFallback.answered).hasValue(3);
    assertThat(client.fallbackCounts()).containsEntry("helloworld.Greeter/SayHello", 3L);
  }

  @Test
  void withoutAProviderTheSameCallFailsUnavailable() {
    WithoutFallback plain = client.inject(new WithoutFallback());

    assertThatThrownBy(() -> plain.greeter.sayHello(WORLD))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(CountingFallback.constructions).hasValue(0);
    assertThat(client.fallbackCounts()).isEmpty();
  }

  @Test
  void differentReferencesWithOneFallbackClassShareOneObject() throws Exception {
    TwoFields target = client.inject(new TwoFields());
    Consumer consumer = client.inject(new Consumer());

    assertThat(target.first.sayHello(WORLD).getServedBy()).isEqualTo("fallback");
    assertThat(target.second.sayHello(WORLD).get().getServedBy()).isEqualTo("fallback");
    assertThat(consumer.greeter.sayHello(WORLD).getServedBy()).isEqualTo("fallback");
    assertThat(CountingFallback.constructions).hasValue(1);
    assertThat(CountingFallback.answered).hasValue(3);
  }

  @Test
  void eachClientCreatesItsOwnFallback() {
    RpcClient other = newClient();
    for (int i = 0; i < 5; i++) {
      client.inject(new Consumer());
      other.inject(new Consumer());
    }

    assertThat(CountingFallback.constructions).hasValue(2);
    assertThat(other.inject(new Consumer()).greeter.sayHello(WORLD).getServedBy())
        .isEqualTo("fallback");
    assertThat(other.fallbackCounts()).containsEntry("helloworld.Greeter/SayHello", 1L);
    assertThat(client.fallbackCounts()).isEmpty();
  }
}
