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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Switchboard adds to a blocking unary call, against raw grpc-java on the same server and
 * transport, in the same run:
 *
 * <ul>
 *   <li>{@code raw}, {@code raw-deadline}: a plain grpc-java channel to the server's address
 *       (pick_first, retry enabled), without and with a per-call deadline (a deadline costs a timer
 *       per call);
 *   <li>{@code switchboard}: over Netty, a full {@code RpcClient} stub: registry resolver,
 *       smooth weighted round robin, default deadline, retry policy with failover and budget,
 *       cacheable fallback, hash-key capture; in-process (where there is no registry address), the
 *       same balancer, service config and interceptor chain on an in-process channel;
 *       {@code switchboard-lean}: the same without deadline, retry or fallback.
 * </ul>
 *
 * <p>The server and stacks are set up by {@link CallStack}; {@link CallThroughputBenchmark}
 * measures the same stacks with async calls, 64 in flight.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar CallOverheadBenchmark -prof gc                 # latency
 * java -jar jmh/target/benchmarks.jar CallOverheadBenchmark -bm thrpt -t 8           # throughput
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CallOverheadBenchmark {
  @Param({"inprocess", "netty"})
  String transport;

  /**
   * {@code raw}: plain grpc-java, no deadline; {@code raw-deadline}: the same with a 5 s deadline
   * per call; {@code switchboard}: the full stack (default 5 s deadline, retries with failover and
   * budget, cacheable fallback); {@code switchboard-lean}: the balancer and interceptors only, no
   * deadline, retry or fallback configured.
   */
  @Param({"raw", "raw-deadline", "switchboard", "switchboard-lean"})
  String stack;

  private CallStack calls;
  GreeterGrpc.GreeterBlockingStub stub;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    calls = CallStack.start(transport, stack);
    stub = calls.stub(GreeterGrpc::newBlockingStub);
    calls.warmUp(1_000);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    calls.close();
  }

  @Benchmark
  public HelloReply unaryCall() {
    if (calls.perCallDeadline()) {
      return stub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(CallStack.REQUEST);
    }
    return stub.sayHello(CallStack.REQUEST);
  }
}
