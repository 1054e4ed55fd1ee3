package dev.switchboard.examples.gateway;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How a demo provider behaves right now: healthy, slow, or failing. The scenario flips it to
 * stage outages; the providers read it on every call. Thread-safe.
 */
final class Behaviour implements AutoCloseable {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "demo-provider-timer");
    thread.setDaemon(true);
    return thread;
  });
  private volatile long delayMillis;
  private volatile boolean failing;

  void slow(long millis) {
    delayMillis = millis;
  }

  void failing(boolean failing) {
    this.failing = failing;
  }

  /** Answers {@code responses} with {@code answer} as the current behaviour says. */
  <T> void respond(StreamObserver<T> responses, Supplier<T> answer) {
    Runnable reply = failing
        ? () -> responses.onError(Status.UNAVAILABLE.withDescription("instance is failing")
            .asRuntimeException())
        : () -> {
          responses.onNext(answer.get());
          responses.onCompleted();
        };
    long delay = delayMillis;
    if (delay > 0) {
      timer.schedule(reply, delay, TimeUnit.MILLISECONDS);
    } else {
      reply.run();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
