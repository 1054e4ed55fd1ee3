package dev.switchboard.discovery.zk;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcReference;
import dev.switchboard.rpc.testing.CallLoop;
import dev.switchboard.rpc.testing.Greeters;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A consumer calling the Greeter in a loop on two threads while a failure is staged, then
 * reporting how many calls failed. Retries (3 attempts on UNAVAILABLE, failing over to another
 * instance) are on unless asked otherwise. Thread-safe.
 */
final class LoadedConsumer implements AutoCloseable {
  static final class WithRetries {
    @RpcReference(deadline = "5s", maxAttempts = 3)
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  static final class WithoutRetries {
    @RpcReference(deadline = "5s")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  private final RpcClient client;
  private final GreeterGrpc.GreeterBlockingStub greeter;
  private CallLoop[] loops;

  LoadedConsumer(String registryUri, boolean retries) {
    this.client = RpcClient.builder().registry(registryUri)
        .shutdownGrace(Duration.ofMillis(500)).build();
    this.greeter = retries ? client.inject(new WithRetries()).greeter
        : client.inject(new WithoutRetries()).greeter;
  }

  GreeterGrpc.GreeterBlockingStub greeter() {
    return greeter;
  }

  /** Starts calling on two threads. */
  LoadedConsumer start() {
    loops = new CallLoop[] {
        CallLoop.start(() -> greeter.sayHello(Greeters.WORLD)),
        CallLoop.start(() -> greeter.sayHello(Greeters.WORLD))};
    return this;
  }

  int succeeded() {
    int succeeded = 0;
    for (CallLoop loop : loops) {
      succeeded += loop.succeeded();
    }
    return succeeded;
  }

  List<Throwable> failures() {
    return java.util.Arrays.stream(loops).flatMap(loop -> loop.failures().stream()).toList();
  }

  /** Stops calling; prints the scenario's line of the failure-suite report and returns it. */
  String stop(String scenario, String notes) throws InterruptedException {
    for (CallLoop loop : loops) {
      loop.close();
    }
    List<Throwable> failures = failures();
    String codes = failures.stream()
        .map(f -> Status.fromThrowable(f).getCode().toString())
        .collect(Collectors.groupingBy(c -> c, Collectors.counting())).toString();
    String line = "FAILURE-SUITE | " + scenario + " | " + (succeeded() + failures.size())
        + " | " + failures.size() + (failures.isEmpty() ? "" : " " + codes) + " | " + notes
        + " |";
    System.out.println(line);
    return line;
  }

  @Override
  public void close() throws InterruptedException {
    if (loops != null) {
      for (CallLoop loop : loops) {
        loop.close();
      }
    }
    client.close();
  }
}
