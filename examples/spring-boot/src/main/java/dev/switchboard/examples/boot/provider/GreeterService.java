package dev.switchboard.examples.boot.provider;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcService;
import io.grpc.stub.StreamObserver;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The Greeter, served by the starter because it is an {@link RpcService} bean. */
@RpcService
@Component
public class GreeterService extends GreeterGrpc.GreeterImplBase {
  private final String instanceName;

  public GreeterService(@Value("${greeter.name:greeter}") String instanceName) {
    this.instanceName = instanceName;
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    responses.onNext(HelloReply.newBuilder()
        .setMessage("Hello " + request.getName() + " from " + instanceName)
        .build());
    responses.onCompleted();
  }
}
