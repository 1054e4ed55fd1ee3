package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.proto.echo.EchoGrpc;
import dev.switchboard.proto.echo.EchoReply;
import dev.switchboard.proto.echo.EchoRequest;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.internal.ServiceBinding;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceBindingTest {

  @RpcService(name = "acme.Echo", weight = 250, zone = "az-1", group = "canary",
      metadata = {"team = payments", "tier=gold"})
  static final class AnnotatedEcho implements EchoGrpc.AsyncService {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoReply> responses) {
      responses.onNext(EchoReply.newBuilder().setText(request.getText()).build());
      responses.onCompleted();
    }
  }

  @RpcService
  static final class NotAService {}

  @RpcService(weight = 0)
  static final class ZeroWeight extends GreeterGrpc.GreeterImplBase {}

  @RpcService(weight = ServiceWeights.MAX + 1)
  static final class HugeWeight extends GreeterGrpc.GreeterImplBase {}

  @RpcService(metadata = "no-equals-sign")
  static final class BadMetadata extends GreeterGrpc.GreeterImplBase {}

  @RpcService(name = "has/slash")
  static final class BadName extends GreeterGrpc.GreeterImplBase {}

  @Test
  void implBaseDefaultsToDescriptorName() {
    ServiceBinding binding = ServiceBinding.of(new TestGreeter("a"));

    assertThat(binding.exported().name()).isEqualTo("helloworld.Greeter");
    assertThat(binding.exported().weight()).isEqualTo(ServiceWeights.DEFAULT);
    assertThat(binding.exported().version()).isEqualTo("1.0.0");
    assertThat(binding.exported().metadata()).containsEntry("purpose", "test");
  }

  @Test
  void asyncServiceIsBoundThroughItsGeneratedClass() {
    ServiceBinding binding = ServiceBinding.of(new AnnotatedEcho());

    assertThat(binding.definition().getServiceDescriptor().getName())
        .isEqualTo("switchboard.test.Echo");
    ExportedService exported = binding.exported();
    assertThat(exported.name()).isEqualTo("acme.Echo");
    assertThat(exported.weight()).isEqualTo(250);
    assertThat(exported.zone()).isEqualTo("az-1");
    assertThat(exported.group()).isEqualTo("canary");
    assertThat(exported.metadata()).isEqualTo(Map.of("team", "payments", "tier", "gold"));
  }

  @Test
  void overridesReplaceWeightAndZone() {
    ServiceBinding binding = ServiceBinding.of(new AnnotatedEcho()).withOverrides(7, "az-9");

    assertThat(binding.exported().weight()).isEqualTo(7);
    assertThat(binding.exported().zone()).isEqualTo("az-9");
  }

  @Test
  void classThatIsNotAGrpcServiceIsRejected() {
    assertThatThrownBy(() -> ServiceBinding.of(new NotAService()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(NotAService.class.getName())
        .hasMessageContaining("is not a gRPC service")
        .hasMessageContaining("*ImplBase");
  }

  @Test
  void weightOutOfRangeIsRejected() {
    assertThatThrownBy(() -> ServiceBinding.of(new ZeroWeight()))
        .hasMessageContaining(ZeroWeight.class.getName())
        .hasMessageContaining("weight 0")
        .hasMessageContaining("1..10000");
    assertThatThrownBy(() -> ServiceBinding.of(new HugeWeight()))
        .hasMessageContaining("weight 10001")
        .hasMessageContaining("1..10000");
  }

  @Test
  void malformedMetadataAndNameAreRejected() {
    assertThatThrownBy(() -> ServiceBinding.of(new BadMetadata()))
        .hasMessageContaining("metadata entry 'no-equals-sign'")
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> ServiceBinding.of(new BadName()))
        .hasMessageContaining("service name 'has/slash' is invalid");
  }

  @Test
  void builderRejectsBadSettingsNamingTheValue() {
    assertThatThrownBy(() -> RpcServer.builder().weight(-3))
        .hasMessageContaining("weight -3").hasMessageContaining("1..10000");
    assertThatThrownBy(() -> RpcServer.builder().port(70_000))
        .hasMessageContaining("port 70000").hasMessageContaining("0..65535");
    assertThatThrownBy(() -> RpcServer.builder().application("bad name"))
        .hasMessageContaining("application name 'bad name' is invalid");
    assertThatThrownBy(() -> RpcServer.builder().addService(new NotAService()))
        .hasMessageContaining("is not a gRPC service");
    assertThatThrownBy(() -> RpcServer.builder().registry("memory://x")
        .addService(new TestGreeter("a")).build())
        .hasMessageContaining("application name is required");
    assertThatThrownBy(() -> RpcServer.builder().build())
        .hasMessageContaining("no service added");
    assertThatThrownBy(() -> RpcServer.builder().registry("etcd://127.0.0.1:2379"))
        .hasMessageContaining("unknown scheme 'etcd'").hasMessageContaining("memory");
  }
}
