package dev.switchboard.rpc.testing;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.proto.helloworld.HelloStreamRequest;
import dev.switchboard.rpc.RpcService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;

/** A Greeter that says which instance answered and counts its calls. Thread-safe. */
@RpcService(version = "1.0.0", metadata = "purpose=test")
public final class TestGreeter extends GreeterGrpc.GreeterImplBase {
  private final String name;
  private final AtomicInteger calls = new AtomicInteger();

  public TestGreeter(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Returns the number of unary calls served. */
  public int calls() {
    return calls.get();
  }

  public void resetCalls() {
    calls.set(0);
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    calls.incrementAndGet();
    responses.onNext(HelloReply.newBuilder()
        .setMessage("Hello " + request.getName())
        .setServedBy(name)
        .build());
    responses.onCompleted();
  }

  @Override
  public void sayHelloStream(HelloStreamRequest request, StreamObserver<HelloReply> responses) {
    if (request.getCount() < 0) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("count < 0").asRuntimeException());
      return;
    }
    for (int i = 0; i < request.getCount(); i++) {
      responses.onNext(HelloReply.newBuilder()
          .setMessage("Hello " + request.getName() + " #" + i)
          .setServedBy(name)
          .build());
    }
    responses.onCompleted();
  }
}
