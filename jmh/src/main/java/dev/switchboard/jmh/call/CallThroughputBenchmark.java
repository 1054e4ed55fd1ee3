package dev.switchboard.jmh.call;

import dev.switchboard.proto.helloworld.GreeterGrpc;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of async unary calls with {@value #IN_FLIGHT} in flight, raw grpc-java against the
 * Switchboard stacks, in-process and over Netty loopback: the stacks of
 * {@link CallOverheadBenchmark} (see {@link CallStack}), called through async stubs.
 *
 * <p>Each invocation sends one call once fewer than {@value #IN_FLIGHT} are outstanding (it
 * waits for a slot), and a response or error frees the slot: in steady state calls are sent as
 * fast as they complete, so operations per second are completed calls per second. Every
 * iteration ends by waiting for the calls still in flight (outside the measurement), so an
 * iteration counts at most {@value #IN_FLIGHT} calls it did not see complete. In-process, the
 * direct executors complete a call before {@code sayHello} returns, so at most one is ever in
 * flight there: that figure is the stacks' CPU cost per async call. A failed call fails the run.
 *
 * <p>Thread-safe as JMH uses it: any number of benchmark threads may share the state (the slots
 * and the failure record are concurrent objects; the stubs are thread-safe).
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar CallThroughputBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CallThroughputBenchmark {
  /** Calls in flight at most. */
  public static final int IN_FLIGHT = 64;

  @Param({"inprocess", "netty"})
  String transport;

  /** As in {@link CallOverheadBenchmark}. */
  @Param({"raw", "raw-deadline", "switchboard", "switchboard-lean"})
  String stack;

  private CallStack calls;
  private GreeterGrpc.GreeterStub stub;
  private InFlightSlots slots;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    slots = new InFlightSlots(IN_FLIGHT, transport + ", " + stack);
    calls = CallStack.start(transport, stack);
    stub = calls.stub(GreeterGrpc::newStub);
    calls.warmUp(1_000);
  }

  @TearDown(Level.Iteration)
  public void awaitInFlight() throws InterruptedException {
    slots.awaitAll();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    calls.close();
  }

  @Benchmark
  public void asyncCall() throws InterruptedException {
    slots.acquire();
    GreeterGrpc.GreeterStub target = calls.perCallDeadline()
        ? stub.withDeadlineAfter(5, TimeUnit.SECONDS) : stub;
    target.sayHello(CallStack.REQUEST, slots.grpcRelease());
  }
}
