package dev.switchboard.rpc.testing;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import io.grpc.stub.StreamObserver;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A Greeter that never answers, for deadline tests. Thread-safe. */
public final class SilentGreeter extends GreeterGrpc.GreeterImplBase {
  private final Queue<StreamObserver<HelloReply>> pending = new ConcurrentLinkedQueue<>();

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    pending.add(responses);
  }

  /** Returns how many calls are waiting for an answer that never comes. */
  public int pending() {
    return pending.size();
  }
}
