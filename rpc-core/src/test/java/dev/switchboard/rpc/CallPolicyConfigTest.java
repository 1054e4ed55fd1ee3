package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.proto.echo.EchoGrpc;
import dev.switchboard.proto.echo.EchoReply;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import io.grpc.Status;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad call-policy configuration fails early, naming the value and what is allowed. */
class CallPolicyConfigTest {
  private final RpcClient client = RpcClient.builder().registry("memory://policy-config")
      .defaultBalancer("round_robin").build();

  static final class WrongFallbackType {
    @RpcReference(fallback = EchoFallback.class)
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  static final class EchoFallback extends EchoGrpc.EchoImplBase {}

  static final class UnknownCode {
    @RpcReference(maxAttempts = 3, retryOn = "UNAVAILABEL")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  static final class CacheableStream {
    @RpcReference(methods = @RpcMethod(name = "SayHelloStream", cacheable = true))
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  static final class UnknownMethod {
    @RpcReference(methods = @RpcMethod(name = "SayHola", deadline = "1s"))
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  static final class HedgeNotIdempotent {
    @RpcReference(methods = @RpcMethod(name = "SayHello", hedgingDelay = "50ms"))
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void retryAndDeadlineValuesAreChecked() {
    assertThatThrownBy(() -> MethodPolicy.builder().deadline(Duration.ZERO))
        .hasMessageContaining("deadline: duration PT0S is not positive");
    assertThatThrownBy(() -> MethodPolicy.builder().deadline(Duration.ofSeconds(-1)))
        .hasMessageContaining("not positive");
    assertThatThrownBy(() -> RetryPolicy.attempts(0))
        .hasMessageContaining("retry maxAttempts 0 is out of range (allowed: 2..5");
    assertThatThrownBy(() -> RetryPolicy.attempts(6))
        .hasMessageContaining("retry maxAttempts 6 is out of range (allowed: 2..5, gRPC's limit");
    assertThatThrownBy(() -> RetryPolicy.codes("UNAVAILABLE", "NOPE"))
        .hasMessageContaining("unknown status code 'NOPE'").hasMessageContaining("UNAVAILABLE");
    assertThatThrownBy(() -> new HedgingPolicy(9, Duration.ofMillis(10)))
        .hasMessageContaining("hedging maxAttempts 9 is out of range");
    assertThatThrownBy(() -> new RetryBudget(1.5, 10))
        .hasMessageContaining("retry budget ratio 1.5 is out of range");
  }

  @Test
  void idempotencyRulesAreEnforced() {
    assertThatThrownBy(() -> MethodPolicy.builder()
        .retry(RetryPolicy.attempts(3).retryingOn(Set.of(Status.Code.DEADLINE_EXCEEDED))).build())
        .hasMessageContaining("retrying DEADLINE_EXCEEDED needs an idempotent method");
    assertThatThrownBy(() -> MethodPolicy.builder()
        .hedging(new HedgingPolicy(2, Duration.ofMillis(50))).build())
        .hasMessageContaining("hedging needs an idempotent method");
    assertThatThrownBy(() -> MethodPolicy.builder().idempotent(true)
        .retry(RetryPolicy.attempts(2)).hedging(new HedgingPolicy(2, Duration.ofMillis(5)))
        .build())
        .hasMessageContaining("not both");
    assertThat(MethodPolicy.builder().idempotent(true)
        .retry(RetryPolicy.attempts(3).retryingOn(Set.of(Status.Code.DEADLINE_EXCEEDED)))
        .build().retry()).isPresent();
  }

  @Test
  void badReferencesFailAtInjectionNamingFieldAndValue() {
    assertThatThrownBy(() -> client.inject(new WrongFallbackType()))
        .hasMessageContaining(WrongFallbackType.class.getName() + ".greeter")
        .hasMessageContaining("implements switchboard.test.Echo, but the reference calls"
            + " helloworld.Greeter");
    assertThatThrownBy(() -> client.inject(new UnknownCode()))
        .hasMessageContaining(UnknownCode.class.getName() + ".greeter")
        .hasMessageContaining("unknown status code 'UNAVAILABEL'");
    assertThatThrownBy(() -> client.inject(new CacheableStream()))
        .hasMessageContaining("SayHelloStream is SERVER_STREAMING; only unary methods can be"
            + " cacheable");
    assertThatThrownBy(() -> client.inject(new UnknownMethod()))
        .hasMessageContaining("method 'SayHola' is not a method of helloworld.Greeter");
    assertThatThrownBy(() -> client.inject(new HedgeNotIdempotent()))
        .hasMessageContaining("method SayHello: hedging needs an idempotent method");
  }

  @Test
  void fallbackResponseMustHaveTheMethodsType() {
    ReferenceConfig config = ReferenceConfig.builder()
        .method("SayHello", MethodPolicy.builder()
            .fallbackResponse(EchoReply.newBuilder().setText("wrong").build()).build())
        .build();

    assertThatThrownBy(() -> client.stub(GreeterGrpc::newBlockingStub, config))
        .hasMessageContaining("the fallback response of SayHello is a "
            + EchoReply.class.getName() + ", but the method returns "
            + HelloReply.class.getName());
  }
}
