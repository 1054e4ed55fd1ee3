package dev.switchboard.rpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import java.time.Duration;

/** Waits for test Greeters. */
public final class Greeters {
  public static final HelloRequest WORLD = HelloRequest.newBuilder().setName("world").build();

  private Greeters() {}

  /**
   * Calls through {@code greeter} until every one of {@code greeters} has served a call (bounded
   * by 15 s), then resets their counts.
   */
  public static void awaitAllServing(GreeterGrpc.GreeterBlockingStub greeter,
      TestGreeter... greeters) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      greeter.sayHello(WORLD);
      for (TestGreeter each : greeters) {
        assertThat(each.calls()).as(each.name()).isPositive();
      }
    });
    for (TestGreeter each : greeters) {
      each.resetCalls();
    }
  }
}
