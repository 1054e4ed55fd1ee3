package dev.switchboard.jmh.discovery;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicLong;

/** A Greeter that remembers when it served its first and its last call. Thread-safe. */
final class TimedGreeter extends GreeterGrpc.GreeterImplBase {
  private final String name;
  private final AtomicLong firstNanos = new AtomicLong();
  private final AtomicLong lastNanos = new AtomicLong();

  TimedGreeter(String name) {
    this.name = name;
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    long now = System.nanoTime();
    firstNanos.compareAndSet(0, now);
    lastNanos.set(now);
    responses.onNext(HelloReply.newBuilder().setMessage("hello").setServedBy(name).build());
    responses.onCompleted();
  }

  /** Returns when the first call arrived ({@link System#nanoTime()}), or 0 before any. */
  long firstNanos() {
    return firstNanos.get();
  }

  /** Returns when the latest call arrived, or 0 before any. */
  long lastNanos() {
    return lastNanos.get();
  }
}
