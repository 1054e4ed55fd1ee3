package dev.switchboard.jmh.call;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dubbo 3.3 over its Triple protocol against raw grpc-java and Switchboard, for the same Greeter
 * unary call, over Netty on loopback, in the same run:
 *
 * <ul>
 *   <li>{@code unaryLatency}: one thread's blocking calls, sample time (the p50 and p99 are JMH's
 *       percentiles), as the Netty rows of {@link CallOverheadBenchmark};
 *   <li>{@code unaryThroughput1Thread}, {@code unaryThroughput8Threads}: blocking calls per
 *       second from 1 and 8 threads sharing one client;
 *   <li>{@code asyncThroughput64InFlight}: completed async calls per second with
 *       {@value #IN_FLIGHT} in flight, as {@link CallThroughputBenchmark} sends them (one thread
 *       waits for a free slot, a reply or error frees it; each iteration waits for the calls left
 *       in flight, outside the measurement; a failed call fails the run).
 * </ul>
 *
 * <p>The {@code stack} parameter: {@code dubbo-triple} is a Dubbo provider and consumer in this
 * JVM ({@link DubboTriple}): Triple on {@code 127.0.0.1} at a free port, the consumer given the
 * direct URL {@code tri://127.0.0.1:port}, no registry, config centre or metadata report, QoS
 * and file caches off, a 5 s timeout; otherwise Dubbo's defaults (failover cluster, whose 2
 * retries act only on a failure; its default filter chains, RPC metrics off as they are without
 * a metrics config; the provider's default thread pool). The service interface takes and returns
 * {@code HelloRequest} and {@code HelloReply}, so Triple sends them protobuf-encoded on HTTP/2 as
 * gRPC does; async calls go through a {@code CompletableFuture} method of the same interface. The
 * other stacks are {@link CallStack}'s Netty ones: {@code raw} (plain grpc-java, no deadline),
 * {@code raw-deadline} (5 s deadline per call), {@code switchboard} (the full stack, 5 s default
 * deadline, retries, fallback) and {@code switchboard-lean}. Dubbo always arms a timeout per call,
 * so its closest rows are {@code raw-deadline} and {@code switchboard}.
 *
 * <p>The figures are comparable: the same machine and JVM settings in one run, one fork per
 * stack, each with its own server and client over TCP loopback, the same request
 * ({@code name: "bench"}) and reply ({@code message: "hi"}), 1,000 warm-up calls before JMH's
 * own warm-up, and one HTTP/2 connection per client in every stack.
 *
 * <p>Dubbo's logger is set to SLF4J ({@code -Ddubbo.application.logger=slf4j} on the fork), so
 * it does not probe other logging frameworks and print about them; SLF4J's binding keeps the
 * rest to warnings.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar DubboTripleBenchmark
 * java -jar jmh/target/benchmarks.jar DubboTripleBenchmark.unaryLatency -p stack=dubbo-triple,raw
 * </pre>
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Ddubbo.application.logger=slf4j")
public class DubboTripleBenchmark {
  /** Async calls in flight at most. */
  public static final int IN_FLIGHT = 64;

  /** {@code dubbo-triple}, or one of {@link CallStack}'s stacks over Netty. */
  @Param({"dubbo-triple", "raw", "raw-deadline", "switchboard", "switchboard-lean"})
  String stack;

  private DubboTriple dubbo;
  private DubboTriple.Greeter greeter;
  private CallStack calls;
  private GreeterGrpc.GreeterBlockingStub blockingStub;
  private GreeterGrpc.GreeterStub asyncStub;
  private InFlightSlots slots;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    slots = new InFlightSlots(IN_FLIGHT, stack);
    if (stack.equals("dubbo-triple")) {
      dubbo = DubboTriple.start();
      greeter = dubbo.greeter();
      dubbo.warmUp(1_000);
      return;
    }
    calls = CallStack.start("netty", stack);
    blockingStub = calls.stub(GreeterGrpc::newBlockingStub);
    asyncStub = calls.stub(GreeterGrpc::newStub);
    calls.warmUp(1_000);
  }

  @TearDown(Level.Iteration)
  public void awaitInFlight() throws InterruptedException {
    slots.awaitAll();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (calls != null) {
      calls.close();
    }
    if (dubbo != null) {
      dubbo.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public HelloReply unaryLatency() {
    return blockingCall();
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public HelloReply unaryThroughput1Thread() {
    return blockingCall();
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public HelloReply unaryThroughput8Threads() {
    return blockingCall();
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public void asyncThroughput64InFlight() throws InterruptedException {
    slots.acquire();
    if (greeter != null) {
      greeter.sayHelloAsync(CallStack.REQUEST).whenComplete(slots.futureRelease());
      return;
    }
    GreeterGrpc.GreeterStub target = calls.perCallDeadline()
        ? asyncStub.withDeadlineAfter(5, TimeUnit.SECONDS) : asyncStub;
    target.sayHello(CallStack.REQUEST, slots.grpcRelease());
  }

  private HelloReply blockingCall() {
    if (greeter != null) {
      return greeter.sayHello(CallStack.REQUEST);
    }
    if (calls.perCallDeadline()) {
      return blockingStub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(CallStack.REQUEST);
    }
    return blockingStub.sayHello(CallStack.REQUEST);
  }
}
