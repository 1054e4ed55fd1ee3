package dev.switchboard.examples.dashboard;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.proto.helloworld.HelloStreamRequest;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Light, continuous load on the Greeter: {@code SayHello} every {@value #UNARY_MILLIS} ms and
 * {@code SayHelloStream} (three replies) every {@value #STREAM_MILLIS} ms, sent asynchronously so
 * that a slow answer never slows the rate down. Counts what came back. Thread-safe.
 */
final class SteadyLoad implements AutoCloseable {
  static final int UNARY_MILLIS = 25;
  static final int STREAM_MILLIS = 100;

  private final GreeterGrpc.GreeterStub greeter;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "dashboard-load");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, LongAdder> servedBy = new ConcurrentHashMap<>();
  private final LongAdder errors = new LongAdder();

  SteadyLoad(GreeterGrpc.GreeterStub greeter) {
    this.greeter = greeter;
  }

  /** Starts sending. */
  void start() {
    timer.scheduleAtFixedRate(() -> greeter.sayHello(
        HelloRequest.newBuilder().setName("call " + sequence.incrementAndGet()).build(),
        new Counting()), 0, UNARY_MILLIS, TimeUnit.MILLISECONDS);
    timer.scheduleAtFixedRate(() -> greeter.sayHelloStream(
        HelloStreamRequest.newBuilder().setName("stream " + sequence.incrementAndGet())
            .setCount(3).build(),
        new Counting()), 0, STREAM_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Returns the replies received per {@code served_by} (a fallback's name among them). */
  Map<String, Long> servedBy() {
    Map<String, Long> copy = new TreeMap<>();
    servedBy.forEach((name, count) -> copy.put(name, count.sum()));
    return copy;
  }

  /** Returns the calls that failed for the caller (no fallback answered them). */
  long errors() {
    return errors.sum();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private final class Counting implements StreamObserver<HelloReply> {
    @Override
    public void onNext(HelloReply reply) {
      servedBy.computeIfAbsent(reply.getServedBy(), name -> new LongAdder()).increment();
    }

    @Override
    public void onError(Throwable error) {
      errors.increment();
    }

    @Override
    public void onCompleted() {}
  }
}
