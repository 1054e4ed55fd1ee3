package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both reflection versions answer, so that tools of either generation (grpcurl, grpcui, Kreya,
 * Postman) can list and call a provider's services.
 */
@Timeout(30)
class ReflectionTest {
  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void v1AndV1alphaListTheServices() throws Exception {
    RpcServer server = closer.register(RpcServer.builder().bindAddress("127.0.0.1")
        .shutdownHook(false).shutdownGrace(Duration.ofMillis(200))
        .addService(new TestGreeter("one")).build().start());
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
        .usePlaintext().build();
    try {
      assertThat(v1(channel)).contains("helloworld.Greeter", "grpc.health.v1.Health");
      assertThat(v1alpha(channel)).contains("helloworld.Greeter",
          "grpc.reflection.v1.ServerReflection");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static List<String> v1(ManagedChannel channel) throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> requests =
        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReflectionInfo(new StreamObserver<>() {
              @Override
              public void onNext(io.grpc.reflection.v1.ServerReflectionResponse response) {
                List<String> found = new ArrayList<>();
                response.getListServicesResponse().getServiceList()
                    .forEach(service -> found.add(service.getName()));
                names.complete(found);
              }

              @Override
              public void onError(Throwable t) {
                names.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
        .setListServices("").build());
    try {
      return names.get(5, TimeUnit.SECONDS);
    } finally {
      requests.onCompleted();
    }
  }

  private static List<String> v1alpha(ManagedChannel channel) throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReflectionInfo(new StreamObserver<>() {
              @Override
              public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse response) {
                List<String> found = new ArrayList<>();
                response.getListServicesResponse().getServiceList()
                    .forEach(service -> found.add(service.getName()));
                names.complete(found);
              }

              @Override
              public void onError(Throwable t) {
                names.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
        .setListServices("").build());
    try {
      return names.get(5, TimeUnit.SECONDS);
    } finally {
      requests.onCompleted();
    }
  }
}
