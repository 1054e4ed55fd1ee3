package dev.switchboard.rpc.testing;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes one call after another on a background thread, recording successes and failures. */
public final class CallLoop implements AutoCloseable {
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger succeeded = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  private CallLoop(Runnable call) {
    thread = new Thread(() -> {
      while (running.get()) {
        try {
          call.run();
          succeeded.incrementAndGet();
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
    }, "call-loop");
  }

  /** Starts calling {@code call} in a loop. */
  public static CallLoop start(Runnable call) {
    CallLoop loop = new CallLoop(call);
    loop.thread.start();
    return loop;
  }

  public int succeeded() {
    return succeeded.get();
  }

  public List<Throwable> failures() {
    return List.copyOf(failures);
  }

  /** Stops the loop and waits for the call in flight. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
