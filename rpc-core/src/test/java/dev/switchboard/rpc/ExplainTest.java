package dev.switchboard.rpc;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.ExplainLines;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parts of "explain this call" that need no Switchboard balancer: the server's trailer and
 * context flag for Switchboard and foreign callers, and the client's line through gRPC's own
 * round_robin (which does not explain its picks).
 */
@Timeout(60)
class ExplainTest {
  private static final AtomicInteger names = new AtomicInteger();

  private final Closer closer = new Closer();
  private String registry;
  private ExplainLines lines;

  /** Answers (or fails, for the name "fail") and records whether its handler was explained. */
  static final class ContextGreeter extends GreeterGrpc.GreeterImplBase {
    final AtomicReference<Boolean> explained = new AtomicReference<>();

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      explained.set(Explain.CONTEXT_KEY.get());
      if (request.getName().equals("fail")) {
        responses.onError(Status.FAILED_PRECONDITION.withDescription("asked to").asException());
        return;
      }
      responses.onNext(HelloReply.newBuilder().setServedBy("context").build());
      responses.onCompleted();
    }
  }

  @BeforeEach
  void setUp() {
    registry = "memory://explain-core-" + names.incrementAndGet();
    lines = ExplainLines.capture();
  }

  @AfterEach
  void tearDown() throws Exception {
    lines.close();
    closer.close();
  }

  private ManagedChannel plainChannel(RpcServer server) {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
        .usePlaintext().build();
    closer.register(() -> {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    });
    return channel;
  }

  private static GreeterGrpc.GreeterBlockingStub capturing(GreeterGrpc.GreeterBlockingStub stub,
      AtomicReference<Metadata> trailers) {
    return stub.withInterceptors(
        MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers));
  }

  private static GreeterGrpc.GreeterBlockingStub asking(GreeterGrpc.GreeterBlockingStub stub) {
    Metadata header = new Metadata();
    header.put(Explain.HEADER, "1");
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header));
  }

  @Test
  void aForeignCallerWithTheHeaderIsToldTheRegisteredInstanceAndTheHandlerIsExplained() {
    ContextGreeter greeter = new ContextGreeter();
    RpcServer server = closer.register(Providers.start(registry, greeter, 100));
    GreeterGrpc.GreeterBlockingStub plain = GreeterGrpc.newBlockingStub(plainChannel(server));
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    capturing(asking(plain), trailers).sayHello(WORLD);

    assertThat(Explain.pickedBy(trailers.get())).isEqualTo(server.instance().instanceId());
    assertThat(trailers.get().get(Metadata.Key.of("switchboard-picked",
        Metadata.ASCII_STRING_MARSHALLER))).as("the documented name").isNotNull();
    assertThat(greeter.explained.get()).as("the handler's context flag").isTrue();
  }

  @Test
  void withoutTheHeaderThereIsNoTrailerAndTheHandlerIsNotExplained() {
    ContextGreeter greeter = new ContextGreeter();
    RpcServer server = closer.register(Providers.start(registry, greeter, 100));
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    capturing(GreeterGrpc.newBlockingStub(plainChannel(server)), trailers).sayHello(WORLD);

    assertThat(trailers.get()).isNotNull();
    assertThat(Explain.pickedBy(trailers.get())).isNull();
    assertThat(greeter.explained.get()).isFalse();
  }

  @Test
  void aFailedCallCarriesTheTrailerToo() {
    RpcServer server = closer.register(Providers.start(registry, new ContextGreeter(), 100));
    GreeterGrpc.GreeterBlockingStub plain = asking(GreeterGrpc.newBlockingStub(plainChannel(server)));

    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
        () -> plain.sayHello(HelloRequest.newBuilder().setName("fail").build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(Explain.pickedBy(failure.getTrailers())).isEqualTo(server.instance().instanceId());
  }

  @Test
  void anUnregisteredServerNamesItselfByHostAndPort() {
    RpcServer server = closer.register(Providers.startUnregistered(new TestGreeter("solo"), 0));
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    capturing(asking(GreeterGrpc.newBlockingStub(plainChannel(server))), trailers)
        .sayHello(WORLD);

    assertThat(server.instance()).isNull();
    assertThat(Explain.pickedBy(trailers.get())).isEqualTo("127.0.0.1:" + server.port());
  }

  @Test
  void aClientExplainsThroughGrpcsOwnBalancerWithoutItsPickFacts() {
    TestGreeter greeter = new TestGreeter("rr");
    RpcServer server = closer.register(Providers.start(registry, greeter, 100));
    RpcClient client = closer.register(RpcClient.builder().registry(registry)
        .defaultBalancer("round_robin").shutdownGrace(Duration.ZERO).build());
    GreeterGrpc.GreeterBlockingStub stub = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().deadline(Duration.ofSeconds(10)).build());
    Greeters.awaitAllServing(stub, greeter);
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    capturing(Explain.on(stub), trailers).sayHello(WORLD);

    String id = server.instance().instanceId();
    assertThat(Explain.pickedBy(trailers.get())).as("the trailer reaches the caller").isEqualTo(id);
    List<String> printed = lines.await(1);
    assertThat(printed).hasSize(1);
    Map<String, String> fields = ExplainLines.fields(printed.get(0));
    assertThat(fields).containsEntry("method", "helloworld.Greeter/SayHello")
        .containsEntry("attempt", "1")
        .containsEntry("balancer", "round_robin")
        .containsEntry("picked", "unknown")
        .containsEntry("status", "OK")
        .containsEntry("served_by", id)
        .containsKeys("budget", "took");
  }

  @Test
  void theCallOptionTurnsItOffInsideAnExplainedContextAndOnWithout() {
    TestGreeter greeter = new TestGreeter("ctx");
    closer.register(Providers.start(registry, greeter, 100));
    RpcClient client = closer.register(RpcClient.builder().registry(registry)
        .defaultBalancer("round_robin").shutdownGrace(Duration.ZERO).build());
    GreeterGrpc.GreeterBlockingStub stub = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().deadline(Duration.ofSeconds(10)).build());
    Greeters.awaitAllServing(stub, greeter);

    Explain.context().run(() -> stub.sayHello(WORLD));
    Explain.context().run(() -> stub.withOption(Explain.CALL_OPTION, false).sayHello(WORLD));
    stub.sayHello(WORLD); // neither
    Explain.on(stub).sayHello(HelloRequest.newBuilder().setName("last").build());

    assertThat(lines.await(2)).hasSize(2);
    assertThat(greeter.calls()).isEqualTo(4);
  }
}
