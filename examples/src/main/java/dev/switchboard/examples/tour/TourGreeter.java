package dev.switchboard.examples.tour;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcService;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A Greeter whose answers can be slowed down, to show latency-aware balancing. */
@RpcService
final class TourGreeter extends GreeterGrpc.GreeterImplBase implements AutoCloseable {
  private final String name;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "tour-greeter-timer");
    thread.setDaemon(true);
    return thread;
  });
  private volatile long delayMillis;

  TourGreeter(String name) {
    this.name = name;
  }

  void delayMillis(long delayMillis) {
    this.delayMillis = delayMillis;
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    Runnable answer = () -> {
      responses.onNext(HelloReply.newBuilder().setMessage("Hello, " + request.getName())
          .setServedBy(name).build());
      responses.onCompleted();
    };
    long delay = delayMillis;
    if (delay > 0) {
      timer.schedule(answer, delay, TimeUnit.MILLISECONDS);
    } else {
      answer.run();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
