package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.OutlierDetection;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.DelayedGreeter;
import dev.switchboard.rpc.testing.Providers;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Balancers that react to how instances behave: peak EWMA, and outlier ejection. */
@Timeout(60)
class LoadAwareEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();

  private final Closer closer = new Closer();
  private String registry;
  private RpcClient client;

  @BeforeEach
  void setUp() {
    registry = "memory://load-aware-" + names.incrementAndGet();
    client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500)).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    closer.close();
  }

  private DelayedGreeter[] start(int count) {
    return Providers.startDelayed(registry, closer, count);
  }

  @Test
  void peakEwmaSteersAwayFromAnInstanceMadeSlow() {
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(Balancers.PEAK_EWMA)
            .deadline(Duration.ofSeconds(10)).build());
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      greeter.sayHello(WORLD);
      return greeters[0].calls() > 0 && greeters[1].calls() > 0 && greeters[2].calls() > 0;
    });

    DelayedGreeter slow = greeters[2];
    slow.delayMillis(150);
    for (int i = 0; i < 30; i++) {
      greeter.sayHello(WORLD); // lets the average see the slow answers
    }
    int before = slow.calls();
    for (int i = 0; i < 200; i++) {
      greeter.sayHello(WORLD);
    }

    // Of two choices the slow one only wins against nothing: after its peak it gets ~no traffic.
    assertThat(slow.calls() - before).isLessThanOrEqualTo(4);
    assertThat(greeters[0].calls() + greeters[1].calls()).isGreaterThan(200);
  }

  @Test
  void outlierDetectionEjectsAFailingInstance() { // gRPC's, with our accrual off
    DelayedGreeter[] greeters = start(3);
    OutlierDetection ejection = new OutlierDetection(Duration.ofMillis(500),
        Duration.ofSeconds(30), Duration.ofSeconds(60), 50, 50, 3, 5);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder()
            .balancer(Balancer.weightedRoundRobin().failureAccrual(FailureAccrual.DISABLED).build())
            .outlierDetection(ejection).deadline(Duration.ofSeconds(10)).build());
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      greeter.sayHello(WORLD);
      return greeters[0].calls() > 0 && greeters[1].calls() > 0 && greeters[2].calls() > 0;
    });

    greeters[1].failWith(Status.UNAVAILABLE.withDescription("broken"));

    // Within a few detection intervals, 30 calls in a row succeed: the failing one is ejected.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      int failures = 0;
      for (int i = 0; i < 30; i++) {
        try {
          greeter.sayHello(WORLD);
        } catch (RuntimeException e) {
          failures++;
        }
      }
      assertThat(failures).isZero();
    });
    int ejectedCalls = greeters[1].calls();
    for (int i = 0; i < 30; i++) {
      greeter.sayHello(WORLD);
    }
    assertThat(greeters[1].calls()).isEqualTo(ejectedCalls);
  }
}
