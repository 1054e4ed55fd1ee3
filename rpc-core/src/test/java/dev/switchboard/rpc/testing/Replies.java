package dev.switchboard.rpc.testing;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Turns async-stub answers into futures for tests. */
public final class Replies {
  private Replies() {}

  /** Returns an observer that completes {@code future} with the first reply or the error. */
  public static <T> StreamObserver<T> completing(CompletableFuture<T> future) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        future.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        future.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
