package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.DelayedGreeter;
import dev.switchboard.rpc.testing.Providers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Subsetting behind real channels: a reference with subset size 2 over six providers calls
 * exactly two of them, balanced between the two; when one of its two leaves, a third takes its
 * place and no call fails; two clients with different seeds pick different pairs.
 */
@Timeout(60)
class SubsettingEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();
  private final Closer closer = new Closer();
  private final String registry = "memory://subsets-" + names.incrementAndGet();
  private final List<DelayedGreeter> greeters = new ArrayList<>();
  private final List<RpcServer> servers = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private void startSix() {
    for (int i = 0; i < 6; i++) {
      DelayedGreeter greeter = closer.register(new DelayedGreeter("g" + i, 0));
      greeters.add(greeter);
      servers.add(closer.register(Providers.start(registry, greeter, 100)));
    }
  }

  private GreeterGrpc.GreeterBlockingStub greeter(long seed) {
    RpcClient client = closer.register(RpcClient.builder().registry(registry).subsetSeed(seed)
        .shutdownGrace(Duration.ofMillis(500)).build());
    return client.stub(GreeterGrpc::newBlockingStub, ReferenceConfig.builder().subsetSize(2)
        .deadline(Duration.ofSeconds(10)).build());
  }

  private int[] calls() {
    return greeters.stream().mapToInt(DelayedGreeter::calls).toArray();
  }

  private List<Integer> called(int[] before) {
    List<Integer> called = new ArrayList<>();
    int[] now = calls();
    for (int i = 0; i < now.length; i++) {
      if (now[i] > before[i]) {
        called.add(i);
      }
    }
    return called;
  }

  @Test
  void aSubsetOfTwoCallsTwoInstancesAndReplacesOneThatLeaves() {
    startSix();
    GreeterGrpc.GreeterBlockingStub greeter = greeter(42);
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
      int[] before = calls();
      for (int i = 0; i < 20; i++) {
        greeter.sayHello(WORLD);
      }
      return called(before).size() == 2;
    });
    int[] before = calls();
    for (int i = 0; i < 200; i++) {
      greeter.sayHello(WORLD);
    }
    List<Integer> pair = called(before);
    assertThat(pair).hasSize(2);
    assertThat(calls()[pair.get(0)] - before[pair.get(0)]).isEqualTo(100);

    servers.get(pair.get(0)).close(); // drains, deregisters: the subset takes another instance
    int leaving = pair.get(0);
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      int[] start = calls();
      for (int i = 0; i < 20; i++) {
        greeter.sayHello(WORLD); // no call fails meanwhile
      }
      List<Integer> now = called(start);
      return now.size() == 2 && !now.contains(leaving) && now.contains(pair.get(1));
    });
  }

  @Test
  void aFastFailingMemberOfTheSubsetIsEjectedAndItsPeerTakesTheCalls() {
    startSix();
    GreeterGrpc.GreeterBlockingStub greeter = greeter(42);
    List<Integer>[] pair = new List[1];
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
      int[] before = calls();
      for (int i = 0; i < 20; i++) {
        greeter.sayHello(WORLD);
      }
      pair[0] = called(before);
      return pair[0].size() == 2;
    });
    DelayedGreeter broken = greeters.get(pair[0].get(0));
    DelayedGreeter healthy = greeters.get(pair[0].get(1));
    broken.failWith(io.grpc.Status.INTERNAL.withDescription("bad deploy"));
    int failures = 0;
    for (int i = 0; i < 100; i++) {
      try {
        greeter.sayHello(WORLD);
      } catch (io.grpc.StatusRuntimeException e) {
        failures++;
      }
    }
    int brokenAfter = broken.calls();
    int healthyBefore = healthy.calls();

    for (int i = 0; i < 100; i++) {
      greeter.sayHello(WORLD); // no failure: the broken member is ejected
    }

    assertThat(failures).as("failures before the ejection").isLessThanOrEqualTo(5);
    assertThat(broken.calls()).isEqualTo(brokenAfter);
    assertThat(healthy.calls() - healthyBefore).isEqualTo(100);
  }

  @Test
  void clientsWithOtherSeedsChooseOtherSubsets() {
    startSix();
    List<List<Integer>> pairs = new ArrayList<>();
    for (long seed = 1; seed <= 4; seed++) {
      GreeterGrpc.GreeterBlockingStub greeter = greeter(seed);
      List<List<Integer>> seen = new ArrayList<>();
      await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
        int[] before = calls();
        for (int i = 0; i < 20; i++) {
          greeter.sayHello(WORLD);
        }
        seen.add(called(before));
        return seen.get(seen.size() - 1).size() == 2;
      });
      pairs.add(seen.get(seen.size() - 1));
    }
    assertThat(pairs.stream().distinct().count()).as("distinct pairs " + pairs)
        .isGreaterThan(1);
  }
}
