package dev.switchboard.rpc.testing;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Greeter whose answers are delayed (a scheduled reply, not a sleeping thread), or that fails
 * every call; both adjustable while running. Thread-safe; close it to stop its timer thread.
 */
public final class DelayedGreeter extends GreeterGrpc.GreeterImplBase implements AutoCloseable {
  private final String name;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile long delayMillis;
  private volatile Status failure;

  public DelayedGreeter(String name, long delayMillis) {
    this.name = name;
    this.delayMillis = delayMillis;
  }

  public String name() {
    return name;
  }

  public int calls() {
    return calls.get();
  }

  public void delayMillis(long delayMillis) {
    this.delayMillis = delayMillis;
  }

  /** Makes every call fail with {@code status}; {@code null} to answer again. */
  public void failWith(Status status) {
    this.failure = status;
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    calls.incrementAndGet();
    Status failing = failure;
    Runnable answer = failing != null
        ? () -> responses.onError(failing.asRuntimeException())
        : () -> {
          responses.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName())
              .setServedBy(name).build());
          responses.onCompleted();
        };
    long delay = delayMillis;
    if (delay <= 0) {
      answer.run();
    } else {
      timer.schedule(answer, delay, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
