package dev.switchboard.jmh.call;

import dev.switchboard.proto.helloworld.HelloReply;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * At most {@code size} async calls in flight: a call takes a slot before it is sent, its reply
 * or error gives it back, and the first failure is kept to fail the run. Thread-safe.
 */
final class InFlightSlots {
  private final int size;
  private final String what;
  private final Semaphore slots;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final StreamObserver<HelloReply> grpcRelease = new StreamObserver<>() {
    @Override
    public void onNext(HelloReply reply) {}

    @Override
    public void onError(Throwable error) {
      failed(error);
    }

    @Override
    public void onCompleted() {
      release();
    }
  };
  private final BiConsumer<HelloReply, Throwable> futureRelease = (reply, error) -> {
    if (error != null) {
      failed(error);
    } else {
      release();
    }
  };

  /** {@code size} slots for the calls of {@code what} (named when one fails). */
  InFlightSlots(int size, String what) {
    this.size = size;
    this.what = what;
    this.slots = new Semaphore(size);
  }

  private void failed(Throwable error) {
    failure.compareAndSet(null, error);
    release();
  }

  private void release() {
    slots.release();
  }

  /** Waits for a free slot, then fails if a call has failed. */
  void acquire() throws InterruptedException {
    slots.acquire();
    checkNoFailure();
  }

  /** Returns an observer that gives the slot back when a gRPC call ends. */
  StreamObserver<HelloReply> grpcRelease() {
    return grpcRelease;
  }

  /** Returns a completion action that gives the slot back when a future completes. */
  BiConsumer<HelloReply, Throwable> futureRelease() {
    return futureRelease;
  }

  /** Waits up to 30 s for every call in flight to end (after an iteration), then checks. */
  void awaitAll() throws InterruptedException {
    if (!slots.tryAcquire(size, 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(size - slots.availablePermits()
          + " calls still in flight 30 s after the iteration ended");
    }
    slots.release(size);
    checkNoFailure();
  }

  private void checkNoFailure() {
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException("a call failed (" + what + "): " + error, error);
    }
  }
}
