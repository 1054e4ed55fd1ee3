package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.proto.helloworld.HelloStreamRequest;
import dev.switchboard.rpc.HashKeys;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcReference;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.Replies;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Consistent hashing through real channels: affinity, every key source, configuration errors. */
@Timeout(60)
class ConsistentHashEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();

  private final Closer closer = new Closer();
  private final Map<String, RpcServer> servers = new HashMap<>();
  private final Map<String, TestGreeter> greeters = new HashMap<>();
  private String registry;
  private RpcClient client;
  private GreeterGrpc.GreeterBlockingStub byOption;

  static final class ByField {
    @RpcReference(balancer = Balancers.CONSISTENT_HASH, hashField = "name", deadline = "10s")
    GreeterGrpc.GreeterBlockingStub blocking;
    @RpcReference(balancer = Balancers.CONSISTENT_HASH, hashField = "name", deadline = "10s")
    GreeterGrpc.GreeterFutureStub future;
    @RpcReference(balancer = Balancers.CONSISTENT_HASH, hashField = "name", deadline = "10s")
    GreeterGrpc.GreeterStub async;
  }

  static final class HeaderOnWeightedRoundRobin {
    @RpcReference(balancer = Balancers.WEIGHTED_ROUND_ROBIN, balancerSettings = "hashHeader=x-user")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  @BeforeEach
  void setUp() {
    registry = "memory://hash-" + names.incrementAndGet();
    client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500)).build();
    for (int i = 0; i < 4; i++) {
      String name = "h" + i;
      TestGreeter greeter = new TestGreeter(name);
      greeters.put(name, greeter);
      servers.put(name, Providers.start(registry, greeter, 100));
    }
    byOption = client.stub(GreeterGrpc::newBlockingStub, ReferenceConfig.builder()
        .balancer(Balancers.CONSISTENT_HASH).deadline(Duration.ofSeconds(10)).build());
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      for (int k = 0; k < 40; k++) {
        HashKeys.withHashKey(byOption, "warm-" + k).sayHello(WORLD);
      }
      return greeters.values().stream().allMatch(g -> g.calls() > 0);
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    for (RpcServer server : servers.values()) {
      server.close();
    }
    closer.close();
  }

  private String owner(String key) {
    return HashKeys.withHashKey(byOption, key).sayHello(WORLD).getServedBy();
  }

  @Test
  void aKeyAlwaysReachesTheSameInstance() {
    for (int k = 0; k < 20; k++) {
      String key = "user-" + k;
      String first = owner(key);
      for (int i = 0; i < 5; i++) {
        assertThat(owner(key)).isEqualTo(first);
      }
    }
  }

  @Test
  void keysOfSurvivingInstancesStayWhenAnotherLeaves() {
    Map<String, String> before = new HashMap<>();
    for (int k = 0; k < 200; k++) {
      before.put("user-" + k, owner("user-" + k));
    }
    servers.remove("h3").close();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      greeters.get("h3").resetCalls();
      for (int k = 0; k < 50; k++) {
        owner("user-" + k);
      }
      return greeters.get("h3").calls() == 0;
    });

    int moved = 0;
    for (Map.Entry<String, String> entry : before.entrySet()) {
      String now = owner(entry.getKey());
      if (!entry.getValue().equals("h3") && !now.equals(entry.getValue())) {
        moved++;
      }
    }
    // Maglev may move a few keys between survivors (well under 1/N of them); most stay.
    assertThat(moved).isLessThanOrEqualTo(10);
  }

  @Test
  void contextKeyIsUsedByRpcClientStubs() throws Exception {
    String expected = owner("ctx-key");
    String viaContext = HashKeys.withHashKey("ctx-key").call(() -> byOption.sayHello(WORLD))
        .getServedBy();

    assertThat(viaContext).isEqualTo(expected);
  }

  @Test
  void headerKeyIsUsedWhenConfigured() {
    GreeterGrpc.GreeterBlockingStub byHeader = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(Balancer.consistentHash().hashHeader("x-user").build())
            .deadline(Duration.ofSeconds(10)).build());
    Set<String> owners = new HashSet<>();
    for (int k = 0; k < 30; k++) {
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER), "user-" + k);
      GreeterGrpc.GreeterBlockingStub stub =
          byHeader.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      String owner = stub.sayHello(WORLD).getServedBy();
      assertThat(stub.sayHello(WORLD).getServedBy()).isEqualTo(owner);
      assertThat(owner).isEqualTo(owner("user-" + k));
      owners.add(owner);
    }
    assertThat(owners).hasSizeGreaterThan(1);
  }

  @Test
  void requestFieldKeyWorksThroughBlockingFutureAndAsyncStubs() throws Exception {
    ByField consumer = client.inject(new ByField());
    for (int k = 0; k < 10; k++) {
      String name = "field-" + k;
      String expected = owner(name);
      HelloRequest request = HelloRequest.newBuilder().setName(name).build();

      assertThat(consumer.blocking.sayHello(request).getServedBy()).isEqualTo(expected);
      assertThat(consumer.future.sayHello(request).get(10, TimeUnit.SECONDS).getServedBy())
          .isEqualTo(expected);
      CompletableFuture<HelloReply> async = new CompletableFuture<>();
      consumer.async.sayHello(request, Replies.completing(async));
      assertThat(async.get(10, TimeUnit.SECONDS).getServedBy()).isEqualTo(expected);
      HelloReply streamed = consumer.blocking.sayHelloStream(
          HelloStreamRequest.newBuilder().setName(name).setCount(2).build()).next();
      assertThat(streamed.getServedBy()).isEqualTo(expected);
    }
  }

  @Test
  void settingsTheBalancerDoesNotTakeFailAtInjection() {
    assertThatThrownBy(() -> client.inject(new HeaderOnWeightedRoundRobin()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(HeaderOnWeightedRoundRobin.class.getName() + ".greeter")
        .hasMessageContaining("unknown setting 'hashHeader'");
    assertThatThrownBy(() -> Balancer.consistentHash().boundedLoad(0.9))
        .hasMessageContaining("loadFactor 0.9 is out of range");
    assertThatThrownBy(() -> Balancer.weightedRoundRobin().hashHeader("x-user"))
        .hasMessageContaining("hashHeader does not apply to switchboard_weighted_round_robin");
  }
}
