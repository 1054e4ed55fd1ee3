package dev.switchboard.jmh.call;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw grpc-java and Switchboard over Netty head to head: both stacks of a pair call at the same
 * time, in one fork, each on its own loopback server and connection, so whatever the machine
 * does meanwhile (another tenant, a GC, the CPU's clock) falls on both alike. JMH reports each
 * method's blocking calls per second within its group; the ratio of the two is the figure, not
 * their absolute values (the pair shares the cores).
 *
 * <p>Groups: {@code full1} and {@code full4} pit the full stack ({@code switchboard}: default
 * 5 s deadline, retries with failover and budget, cacheable fallback) against {@code
 * raw-deadline} with 1 and 4 threads each; {@code lean4} the lean stack against bare
 * {@code raw}, 4 threads each. See {@link CallStack} for the stacks.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar HeadToHeadBenchmark -f 3
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HeadToHeadBenchmark {
  /**
   * One group as the report reads it: its two methods' names (JMH's secondary metrics of the
   * group's result) and what they run.
   *
   * @param group the {@code @Group} name
   * @param threads how many threads each side has, for the report
   * @param stack the Switchboard stack ({@link CallStack#STACKS})
   * @param baseline the raw stack beside it
   * @param stackMethod the method that calls {@code stack}
   * @param baselineMethod the method that calls {@code baseline}
   */
  public record Pairing(String group, String threads, String stack, String baseline,
      String stackMethod, String baselineMethod) {}

  /** The groups, as the methods below declare them. */
  public static final List<Pairing> PAIRINGS = List.of(
      new Pairing("full1", "1 + 1 threads", "switchboard", "raw-deadline", "full1Switchboard",
          "full1RawDeadline"),
      new Pairing("full4", "4 + 4 threads", "switchboard", "raw-deadline", "full4Switchboard",
          "full4RawDeadline"),
      new Pairing("lean4", "4 + 4 threads", "switchboard-lean", "raw", "lean4Switchboard",
          "lean4Raw"));

  /** Two stacks, each with its own server, shared by the threads of one group. */
  abstract static class Pair {
    private CallStack baseline;
    private CallStack switchboard;
    GreeterGrpc.GreeterBlockingStub baselineStub;
    GreeterGrpc.GreeterBlockingStub switchboardStub;

    abstract String baselineStack();

    abstract String switchboardStack();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      baseline = CallStack.start("netty", baselineStack());
      switchboard = CallStack.start("netty", switchboardStack());
      baselineStub = stub(baseline);
      switchboardStub = stub(switchboard);
    }

    private static GreeterGrpc.GreeterBlockingStub stub(CallStack stack) {
      stack.warmUp(1_000);
      return stack.stub(GreeterGrpc::newBlockingStub);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      switchboard.close();
      baseline.close();
    }
  }

  /** {@code raw-deadline} and the full stack. */
  @State(Scope.Group)
  public static class Full extends Pair {
    @Override
    String baselineStack() {
      return "raw-deadline";
    }

    @Override
    String switchboardStack() {
      return "switchboard";
    }
  }

  /** Bare {@code raw} and the lean stack. */
  @State(Scope.Group)
  public static class Lean extends Pair {
    @Override
    String baselineStack() {
      return "raw";
    }

    @Override
    String switchboardStack() {
      return "switchboard-lean";
    }
  }

  /** {@code raw-deadline}, one thread, beside {@link #full1Switchboard}. */
  @Benchmark
  @Group("full1")
  @GroupThreads(1)
  public HelloReply full1RawDeadline(Full pair) {
    return pair.baselineStub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(CallStack.REQUEST);
  }

  /** The full stack, one thread, beside {@link #full1RawDeadline}. */
  @Benchmark
  @Group("full1")
  @GroupThreads(1)
  public HelloReply full1Switchboard(Full pair) {
    return pair.switchboardStub.sayHello(CallStack.REQUEST);
  }

  /** {@code raw-deadline}, four threads, beside {@link #full4Switchboard}. */
  @Benchmark
  @Group("full4")
  @GroupThreads(4)
  public HelloReply full4RawDeadline(Full pair) {
    return pair.baselineStub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(CallStack.REQUEST);
  }

  /** The full stack, four threads, beside {@link #full4RawDeadline}. */
  @Benchmark
  @Group("full4")
  @GroupThreads(4)
  public HelloReply full4Switchboard(Full pair) {
    return pair.switchboardStub.sayHello(CallStack.REQUEST);
  }

  /** Bare {@code raw}, four threads, beside {@link #lean4Switchboard}. */
  @Benchmark
  @Group("lean4")
  @GroupThreads(4)
  public HelloReply lean4Raw(Lean pair) {
    return pair.baselineStub.sayHello(CallStack.REQUEST);
  }

  /** The lean stack, four threads, beside {@link #lean4Raw}. */
  @Benchmark
  @Group("lean4")
  @GroupThreads(4)
  public HelloReply lean4Switchboard(Lean pair) {
    return pair.switchboardStub.sayHello(CallStack.REQUEST);
  }
}
