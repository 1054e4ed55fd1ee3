package dev.switchboard.examples.quickstart;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.proto.helloworld.HelloStreamRequest;
import dev.switchboard.rpc.RpcService;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider side of the quick start: a Greeter that says which provider answered. The
 * annotation is all it takes to be registered; the weight is set per process by the server.
 */
@RpcService(version = "1.0.0")
public final class QuickStartGreeter extends GreeterGrpc.GreeterImplBase {
  private final String name;
  private final AtomicLong served = new AtomicLong();

  public QuickStartGreeter(String name) {
    this.name = name;
  }

  /** Returns how many greetings this provider has served. */
  public long served() {
    return served.get();
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    served.incrementAndGet();
    responses.onNext(HelloReply.newBuilder()
        .setMessage("Hello, " + request.getName() + "!")
        .setServedBy(name)
        .build());
    responses.onCompleted();
  }

  @Override
  public void sayHelloStream(HelloStreamRequest request, StreamObserver<HelloReply> responses) {
    for (int i = 0; i < request.getCount(); i++) {
      responses.onNext(HelloReply.newBuilder()
          .setMessage("Hello, " + request.getName() + " #" + (i + 1))
          .setServedBy(name)
          .build());
    }
    responses.onCompleted();
  }
}
