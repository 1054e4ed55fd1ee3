package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.proto.echo.EchoGrpc;
import dev.switchboard.proto.echo.EchoReply;
import dev.switchboard.proto.echo.EchoRequest;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Providers;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller's deadline travels across three hops (A calls B, B calls C, C calls D), each hop's
 * client having a longer default of its own: the caller's shorter deadline wins all the way.
 */
@Timeout(60)
class DeadlinePropagationTest {
  private final Closer closer = new Closer();
  private final AtomicReference<Deadline> seenByD = new AtomicReference<>();
  private final AtomicInteger callsToD = new AtomicInteger();
  private GreeterGrpc.GreeterBlockingStub entry;

  /** Forwards each greeting to the next hop. */
  static final class Relay extends GreeterGrpc.GreeterImplBase {
    private final GreeterGrpc.GreeterBlockingStub nextGreeter;
    private final EchoGrpc.EchoBlockingStub nextEcho;

    Relay(GreeterGrpc.GreeterBlockingStub nextGreeter, EchoGrpc.EchoBlockingStub nextEcho) {
      this.nextGreeter = nextGreeter;
      this.nextEcho = nextEcho;
    }

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      String answer = nextGreeter != null
          ? nextGreeter.sayHello(request).getMessage()
          : nextEcho.echo(EchoRequest.newBuilder().setText(request.getName()).build()).getText();
      responses.onNext(HelloReply.newBuilder().setMessage(answer).build());
      responses.onCompleted();
    }
  }

  @BeforeEach
  void setUp() {
    String suffix = "-" + System.nanoTime();
    closer.register(Providers.start("memory://hop-d" + suffix, new EchoGrpc.EchoImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoReply> responses) {
        callsToD.incrementAndGet();
        seenByD.set(Context.current().getDeadline());
        responses.onNext(EchoReply.newBuilder().setText("D got " + request.getText()).build());
        responses.onCompleted();
      }
    }, 100));
    RpcClient toD = client("memory://hop-d" + suffix);
    closer.register(Providers.start("memory://hop-c" + suffix,
        new Relay(null, toD.stub(EchoGrpc::newBlockingStub)), 100));
    RpcClient toC = client("memory://hop-c" + suffix);
    closer.register(Providers.start("memory://hop-b" + suffix,
        new Relay(toC.stub(GreeterGrpc::newBlockingStub), null), 100));
    entry = client("memory://hop-b" + suffix).stub(GreeterGrpc::newBlockingStub);
  }

  private RpcClient client(String registry) {
    return closer.register(RpcClient.builder().registry(registry).defaultBalancer("round_robin")
        .defaultDeadline(Duration.ofSeconds(30)).shutdownGrace(Duration.ofMillis(200)).build());
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void theCallersDeadlineReachesTheThirdHop() {
    HelloReply reply = entry.withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(HelloRequest.newBuilder().setName("x").build());

    assertThat(reply.getMessage()).isEqualTo("D got x");
    assertThat(seenByD.get()).isNotNull();
    assertThat(seenByD.get().timeRemaining(TimeUnit.MILLISECONDS))
        .as("D sees the caller's 5 s, not a hop's 30 s default").isBetween(1L, 5_000L);
  }

  @Test
  void withoutACallerDeadlineTheFirstHopsDefaultTravels() {
    entry.sayHello(HelloRequest.newBuilder().setName("y").build());

    assertThat(seenByD.get().timeRemaining(TimeUnit.SECONDS)).isBetween(1L, 30L);
  }

  @Test
  void workWhoseDeadlineHasPassedIsRefused() {
    assertThatThrownBy(() -> entry.withDeadline(Deadline.after(-1, TimeUnit.MILLISECONDS))
        .sayHello(HelloRequest.newBuilder().setName("late").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(callsToD.get()).isZero();
  }
}
