package dev.switchboard.examples.dashboard;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.proto.helloworld.HelloStreamRequest;
import dev.switchboard.rpc.RpcService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The providers of the dashboard scenario: a Greeter that answers after a few milliseconds (1 ms
 * plus an exponentially distributed 2 ms on average, so a p99 of about 10 ms), or, while
 * {@link #failing(boolean)} is on, fails every call at once with INTERNAL. Thread-safe.
 */
@RpcService
final class DashboardGreeter extends GreeterGrpc.GreeterImplBase implements AutoCloseable {
  private final String name;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "dashboard-greeter-timer");
    thread.setDaemon(true);
    return thread;
  });
  private volatile boolean failing;

  DashboardGreeter(String name) {
    this.name = name;
  }

  /** Turns failing every call (fast, INTERNAL) on or off. */
  void failing(boolean failing) {
    this.failing = failing;
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    answer(responses, 1, request.getName());
  }

  @Override
  public void sayHelloStream(HelloStreamRequest request, StreamObserver<HelloReply> responses) {
    answer(responses, request.getCount(), request.getName());
  }

  private void answer(StreamObserver<HelloReply> responses, int replies, String who) {
    if (failing) {
      responses.onError(Status.INTERNAL.withDescription(name + " is failing (dashboard scenario)")
          .asRuntimeException());
      return;
    }
    timer.schedule(() -> {
      for (int i = 0; i < replies; i++) {
        responses.onNext(HelloReply.newBuilder().setMessage("Hello, " + who + "!")
            .setServedBy(name).build());
      }
      responses.onCompleted();
    }, latencyMicros(), TimeUnit.MICROSECONDS);
  }

  private static long latencyMicros() {
    return 1_000 + (long) (-2_000 * Math.log(1 - ThreadLocalRandom.current().nextDouble()));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
