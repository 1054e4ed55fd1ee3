package dev.switchboard.spring.boot;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcService;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;

/** A Greeter bean that answers with its name and counts its calls. Thread-safe. */
@RpcService
public class CountingGreeter extends GreeterGrpc.GreeterImplBase {
  private final String name;
  private final AtomicInteger calls = new AtomicInteger();

  public CountingGreeter(String name) {
    this.name = name;
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    calls.incrementAndGet();
    responses.onNext(HelloReply.newBuilder().setMessage(name + ": hello " + request.getName())
        .build());
    responses.onCompleted();
  }
}
