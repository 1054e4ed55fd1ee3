package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.BalancerSettings;
import dev.switchboard.rpc.HashKeys;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.ZoneAffinity;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.DelayedGreeter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Zone-aware routing behind real channels and providers: zone a holds weights 100 and 300, zone
 * b two instances of 100. A consumer in zone a keeps its calls there, split by weight, under
 * every balancer; when zone a's healthy weight falls below half (its heavy instance fails every
 * call fast) the calls spill over to every zone, and come back once it heals; a consumer in zone
 * b agrees; a consumer without a zone ignores zones.
 */
@Timeout(90)
class ZoneAwareEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final Status BAD_DEPLOY = Status.INTERNAL.withDescription("bad deploy");

  private final Closer closer = new Closer();
  private final AtomicInteger keys = new AtomicInteger();
  private String registry;
  private DelayedGreeter a1;
  private DelayedGreeter a3;
  private DelayedGreeter b1;
  private DelayedGreeter b2;

  @BeforeEach
  void setUp() {
    registry = "memory://zones-" + names.incrementAndGet();
    a1 = provider("a1", "zone-a", 100);
    a3 = provider("a3", "zone-a", 300);
    b1 = provider("b1", "zone-b", 100);
    b2 = provider("b2", "zone-b", 100);
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private DelayedGreeter provider(String name, String zone, int weight) {
    DelayedGreeter greeter = closer.register(new DelayedGreeter(name, 0));
    closer.register(RpcServer.builder().application("test-app").registry(registry)
        .bindAddress("127.0.0.1").weight(weight).zone(zone).drainPeriod(Duration.ZERO)
        .shutdownGrace(Duration.ofSeconds(2)).shutdownHook(false).addService(greeter).build()
        .start());
    return greeter;
  }

  private GreeterGrpc.GreeterBlockingStub greeter(RpcClient.Builder client, String balancer) {
    return greeter(client, BalancerSettings.named(balancer));
  }

  private GreeterGrpc.GreeterBlockingStub greeter(RpcClient.Builder client,
      BalancerSettings balancer) {
    RpcClient built = closer.register(client.registry(registry)
        .shutdownGrace(Duration.ofMillis(500)).build());
    return built.stub(GreeterGrpc::newBlockingStub, ReferenceConfig.builder()
        .balancer(balancer).deadline(Duration.ofSeconds(10)).build());
  }

  /** The balancer with failure accrual that tries an ejected instance again after 200 ms. */
  private static BalancerSettings quickAccrual(String balancer) {
    return FailureAccrualEndToEndTest.settings(balancer, FailureAccrual.builder()
        .ejection(Duration.ofMillis(200), Duration.ofSeconds(2)).build());
  }

  private boolean call(GreeterGrpc.GreeterBlockingStub greeter, String balancer) {
    GreeterGrpc.GreeterBlockingStub stub = balancer.equals(Balancers.CONSISTENT_HASH)
        ? HashKeys.withHashKey(greeter, "key-" + keys.incrementAndGet()) : greeter;
    try {
      stub.sayHello(WORLD);
      return true;
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
      return false;
    }
  }

  /** Calls until both instances of zone a have answered (all four are connected by then). */
  private void awaitZoneA(GreeterGrpc.GreeterBlockingStub greeter, String balancer) {
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      call(greeter, balancer);
      return a1.calls() > 0 && a3.calls() > 0;
    });
  }

  private int[] counts() {
    return new int[] {a1.calls(), a3.calls(), b1.calls(), b2.calls()};
  }

  private static int[] since(int[] before, int[] now) {
    int[] delta = new int[now.length];
    for (int i = 0; i < now.length; i++) {
      delta[i] = now[i] - before[i];
    }
    return delta;
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM,
      Balancers.CONSISTENT_HASH, Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA})
  void aConsumerKeepsItsCallsInItsZone(String balancer) {
    GreeterGrpc.GreeterBlockingStub greeter = greeter(RpcClient.builder().zone("zone-a"),
        balancer);
    awaitZoneA(greeter, balancer);
    int[] before = counts();

    for (int i = 0; i < 400; i++) {
      assertThat(call(greeter, balancer)).isTrue();
    }

    int[] calls = since(before, counts());
    System.out.printf("ZONE %s in zone a: a1 %d, a3 %d, b1 %d, b2 %d%n", balancer, calls[0],
        calls[1], calls[2], calls[3]);
    assertThat(calls[2] + calls[3]).as("calls to zone b").isZero();
    if (balancer.equals(Balancers.WEIGHTED_ROUND_ROBIN)) {
      assertThat(calls[0]).isEqualTo(100); // 100:300 of 400, exactly by the smooth schedule
      assertThat(calls[1]).isEqualTo(300);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM,
      Balancers.CONSISTENT_HASH, Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA})
  void callsSpillOverWhenTheZoneIsMostlyBrokenAndComeBackWhenItHeals(String balancer) {
    // ejected for 2 s at first: no probe of the broken instance (which fails) within the 300
    // calls after the spill-over, however slowly they run; the heal is awaited below
    GreeterGrpc.GreeterBlockingStub greeter = greeter(RpcClient.builder().zone("zone-a"),
        FailureAccrualEndToEndTest.settings(balancer, FailureAccrual.builder()
            .ejection(Duration.ofSeconds(2), Duration.ofSeconds(10)).build()));
    awaitZoneA(greeter, balancer);

    a3.failWith(BAD_DEPLOY); // 300 of zone a's 400 fails every call at once
    int failures = 0;
    for (int i = 0; i < 100; i++) {
      failures += call(greeter, balancer) ? 0 : 1;
    }
    int[] before = counts();
    for (int i = 0; i < 300; i++) {
      assertThat(call(greeter, balancer)).as("after the spill-over").isTrue();
    }
    int[] spilled = since(before, counts());
    System.out.printf("ZONE %s zone a broken: %d failures; then a1 %d, a3 %d, b1 %d, b2 %d%n",
        balancer, failures, spilled[0], spilled[1], spilled[2], spilled[3]);
    assertThat(failures).as("calls the broken instance failed").isLessThanOrEqualTo(15);
    assertThat(spilled[1]).as("calls to the broken instance").isZero();
    assertThat(spilled[2] + spilled[3]).as("calls to zone b").isGreaterThan(100);

    a3.failWith(null);
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      int[] start = counts();
      for (int i = 0; i < 40; i++) {
        call(greeter, balancer);
      }
      int[] round = since(start, counts());
      return round[2] + round[3] == 0 && round[1] > 0;
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.LEAST_REQUEST,
      Balancers.PEAK_EWMA})
  void underHeavyLoadABrokenHeavyInstanceSpillsCallsOverWithFewFailures(String balancer)
      throws Exception {
    for (DelayedGreeter each : List.of(a1, a3, b1, b2)) {
      each.delayMillis(2); // calls pile up in flight
    }
    GreeterGrpc.GreeterBlockingStub greeter = greeter(RpcClient.builder().zone("zone-a"),
        quickAccrual(balancer));
    awaitZoneA(greeter, balancer);
    a3.delayMillis(0);
    a3.failWith(BAD_DEPLOY);
    int[] before = counts();

    AtomicInteger failures = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(callers.submit(() -> {
          for (int i = 0; i < 100; i++) {
            failures.addAndGet(call(greeter, balancer) ? 0 : 1);
          }
        }));
      }
      for (Future<?> each : done) {
        each.get();
      }
    } finally {
      callers.shutdownNow();
    }

    int[] calls = since(before, counts());
    System.out.printf("ZONE %s 8 threads, a3 broken: %d failures; a1 %d, a3 %d, b1 %d, b2 %d%n",
        balancer, failures.get(), calls[0], calls[1], calls[2], calls[3]);
    assertThat((double) failures.get() / 800).as("failed share").isLessThanOrEqualTo(0.05);
    assertThat(calls[2] + calls[3]).as("calls spilled over to zone b").isGreaterThan(200);
  }

  @Test
  void aSlowInstanceInTheZoneKeepsTheCallsInTheZoneAndPeakEwmaMovesThemToItsFastPeer() {
    String balancer = Balancers.PEAK_EWMA; // least request sees no latency under sequential calls
    GreeterGrpc.GreeterBlockingStub greeter = greeter(RpcClient.builder().zone("zone-a"),
        balancer);
    awaitZoneA(greeter, balancer);
    a3.delayMillis(40); // slow, not failing: zone a stays healthy
    for (int i = 0; i < 50; i++) {
      call(greeter, balancer);
    }
    int[] before = counts();

    for (int i = 0; i < 200; i++) {
      assertThat(call(greeter, balancer)).isTrue();
    }

    int[] calls = since(before, counts());
    System.out.printf("ZONE %s a3 slow: a1 %d, a3 %d, b1 %d, b2 %d%n", balancer, calls[0],
        calls[1], calls[2], calls[3]);
    assertThat(calls[2] + calls[3]).as("calls to zone b").isZero();
    // a1 has a quarter of zone a's weight: peak EWMA gives it more than that
    assertThat(calls[0]).as("calls to the fast instance of zone a").isGreaterThan(50);
  }

  @Test
  void aConsumerInTheOtherZoneKeepsToItsOwn() {
    GreeterGrpc.GreeterBlockingStub inA = greeter(RpcClient.builder().zone("zone-a"),
        Balancers.WEIGHTED_ROUND_ROBIN);
    GreeterGrpc.GreeterBlockingStub inB = greeter(RpcClient.builder()
        .zoneAffinity(ZoneAffinity.of("zone-b").withMinHealthyShare(1.0)),
        Balancers.WEIGHTED_ROUND_ROBIN);
    awaitZoneA(inA, Balancers.WEIGHTED_ROUND_ROBIN);
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      inB.sayHello(WORLD);
      return b1.calls() > 0 && b2.calls() > 0;
    });
    int[] before = counts();

    for (int i = 0; i < 200; i++) {
      inB.sayHello(WORLD);
    }

    int[] calls = since(before, counts());
    assertThat(calls[0] + calls[1]).as("calls to zone a").isZero();
    assertThat(calls[2]).isEqualTo(100);
    assertThat(calls[3]).isEqualTo(100);
  }

  @Test
  void aConsumerWithoutAZoneSpreadsByWeightOverEveryZone() {
    GreeterGrpc.GreeterBlockingStub greeter = greeter(RpcClient.builder(),
        Balancers.WEIGHTED_ROUND_ROBIN);
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      greeter.sayHello(WORLD);
      return a1.calls() > 0 && a3.calls() > 0 && b1.calls() > 0 && b2.calls() > 0;
    });
    int[] before = counts();

    for (int i = 0; i < 600; i++) {
      greeter.sayHello(WORLD);
    }

    assertThat(since(before, counts())).containsExactly(100, 300, 100, 100);
  }
}
