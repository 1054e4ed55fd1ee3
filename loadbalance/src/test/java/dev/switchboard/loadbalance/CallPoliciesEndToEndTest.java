package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.Fallbacks;
import dev.switchboard.rpc.HashKeys;
import dev.switchboard.rpc.HedgingPolicy;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryBudget;
import dev.switchboard.rpc.RetryPolicy;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.DelayedGreeter;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.Replies;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retries, budgets, hedging and fallbacks through real channels, providers and balancers. */
@Timeout(60)
class CallPoliciesEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final HelloReply CANNED = HelloReply.newBuilder().setMessage("canned").build();

  private final Closer closer = new Closer();
  private String registry;
  private RpcClient client;

  /** Answers as the fallback object. */
  static final class LocalGreeter extends GreeterGrpc.GreeterImplBase {
    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      responses.onNext(HelloReply.newBuilder().setMessage("local " + request.getName())
          .setServedBy("fallback").build());
      responses.onCompleted();
    }
  }

  @BeforeEach
  void setUp() {
    registry = "memory://policies-" + names.incrementAndGet();
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

  private static void awaitAll(GreeterGrpc.GreeterBlockingStub greeter, DelayedGreeter... all) {
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      HashKeys.withHashKey(greeter, "k" + System.nanoTime()).sayHello(WORLD);
      return Arrays.stream(all).allMatch(g -> g.calls() > 0);
    });
  }

  private static int total(DelayedGreeter... all) {
    return Arrays.stream(all).mapToInt(DelayedGreeter::calls).sum();
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM,
      Balancers.CONSISTENT_HASH, Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA})
  void retriesLandOnInstancesNotTriedYet(String balancer) {
    DelayedGreeter[] greeters = start(3);
    ReferenceConfig config = ReferenceConfig.builder().balancer(balancer)
        .deadline(Duration.ofSeconds(10))
        .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build())
        .build();
    // Warm up this very channel: with fewer READY instances there is less to fail over to.
    awaitAll(client.stub(GreeterGrpc::newBlockingStub, config), greeters);
    GreeterGrpc.GreeterBlockingStub greeter =
        HashKeys.withHashKey(client.stub(GreeterGrpc::newBlockingStub, config), "the-same-key");
    int[] before = Arrays.stream(greeters).mapToInt(DelayedGreeter::calls).toArray();
    for (DelayedGreeter each : greeters) {
      each.failWith(Status.UNAVAILABLE.withDescription("down"));
    }

    assertThatThrownBy(() -> greeter.sayHello(WORLD))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

    // Three attempts, one on each instance: none was tried twice.
    int[] attempts = new int[3];
    for (int i = 0; i < 3; i++) {
      attempts[i] = greeters[i].calls() - before[i];
    }
    assertThat(attempts).as("attempts per instance").containsExactly(1, 1, 1);
  }

  @Test
  void retriesFailOverSoTheCallerSeesNoError() {
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().deadline(Duration.ofSeconds(10))
            .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build())
            .build());
    awaitAll(greeter, greeters);
    greeters[1].failWith(Status.UNAVAILABLE.withDescription("dying"));

    for (int i = 0; i < 60; i++) {
      assertThat(greeter.sayHello(WORLD).getServedBy()).isNotEqualTo("g1");
    }
  }

  // Consistent hashing is called without a hash key here: keyless picks keep the budget too.
  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.CONSISTENT_HASH})
  void theBudgetCapsAttemptsWhenEveryInstanceFails(String balancer) {
    DelayedGreeter[] greeters = start(3);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(balancer).deadline(Duration.ofSeconds(10))
            .retryBudget(new RetryBudget(0.1, 0))
            .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(5)).build())
            .build());
    awaitAll(greeter, greeters);
    for (DelayedGreeter each : greeters) {
      each.failWith(Status.UNAVAILABLE.withDescription("outage"));
    }
    int before = total(greeters);

    int failed = 0;
    for (int i = 0; i < 200; i++) {
      try {
        greeter.sayHello(WORLD);
      } catch (StatusRuntimeException e) {
        failed++;
      }
    }

    // Without a budget: 200 calls × 5 attempts = 1,000. With 10 %: about 200 + 20 (+ the few
    // calls of the warm-up that were saved up).
    assertThat(failed).isEqualTo(200);
    assertThat(total(greeters) - before).isBetween(200, 240);
  }

  @Test
  void retriesNeedABalancerThatGivesThemBudgetAndFailover() {
    ReferenceConfig roundRobin = ReferenceConfig.builder().balancer("round_robin")
        .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build())
        .build();

    assertThatThrownBy(() -> client.stub(GreeterGrpc::newBlockingStub, roundRobin))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("balancer 'round_robin' cannot give retries and hedges their budget")
        .hasMessageContaining(Balancers.WEIGHTED_ROUND_ROBIN);
  }

  @Test
  void aForeignBalancerWithoutRetriesIsFine() {
    DelayedGreeter[] greeters = start(2);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer("round_robin").deadline(Duration.ofSeconds(10))
            .build());

    awaitAll(greeter, greeters);
  }

  @Test
  void aNonIdempotentMethodIsNotRetriedOnDeadlineExceeded() {
    DelayedGreeter[] greeters = start(2);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder()
            .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build())
            .build());
    awaitAll(greeter, greeters);
    for (DelayedGreeter each : greeters) {
      each.delayMillis(2_000);
    }
    int before = total(greeters);

    assertThatThrownBy(() -> greeter.withDeadlineAfter(200, TimeUnit.MILLISECONDS)
        .sayHello(WORLD))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(total(greeters) - before).isEqualTo(1);
  }

  @Test
  void hedgingAnswersWithinADeadlineTheSlowInstanceCannotMeet() {
    DelayedGreeter[] greeters = start(2);
    GreeterGrpc.GreeterBlockingStub plain = client.stub(GreeterGrpc::newBlockingStub);
    awaitAll(plain, greeters);
    greeters[0].delayMillis(3_000);
    GreeterGrpc.GreeterBlockingStub hedged = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().methodDefaults(MethodPolicy.builder().idempotent(true)
            .hedging(new HedgingPolicy(2, Duration.ofMillis(50))).build()).build());

    int slowAnswersWithoutHedging = 0;
    for (int i = 0; i < 6; i++) {
      try {
        plain.withDeadlineAfter(500, TimeUnit.MILLISECONDS).sayHello(WORLD);
      } catch (StatusRuntimeException e) {
        slowAnswersWithoutHedging++;
      }
    }
    for (int i = 0; i < 6; i++) {
      assertThat(hedged.withDeadlineAfter(1, TimeUnit.SECONDS).sayHello(WORLD).getServedBy())
          .isEqualTo("g1");
    }
    assertThat(slowAnswersWithoutHedging).as("round robin sends half the calls to the slow one")
        .isEqualTo(3);
  }

  @Test
  void fixedResponseAnswersWhenNoInstanceExists() throws Exception {
    ReferenceConfig config = ReferenceConfig.builder().deadline(Duration.ofSeconds(5))
        .method("SayHello", MethodPolicy.builder().fallbackResponse(CANNED).build()).build();
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    HelloReply blocking = client.stub(GreeterGrpc::newBlockingStub, config)
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
        .sayHello(WORLD);
    HelloReply future = client.stub(GreeterGrpc::newFutureStub, config).sayHello(WORLD)
        .get(5, TimeUnit.SECONDS);
    HelloReply async = callAsync(client.stub(GreeterGrpc::newStub, config));

    assertThat(blocking).isEqualTo(CANNED);
    assertThat(future).isEqualTo(CANNED);
    assertThat(async).isEqualTo(CANNED);
    assertThat(headers.get().get(Fallbacks.HEADER)).isEqualTo(Fallbacks.DEFAULT);
    assertThat(client.fallbackCounts()).containsEntry("helloworld.Greeter/SayHello", 3L);
  }

  @Test
  void fallbackObjectAnswersForEveryStubFlavour() throws Exception {
    DelayedGreeter[] greeters = start(1);
    ReferenceConfig config = ReferenceConfig.builder().deadline(Duration.ofSeconds(5))
        .fallback(new LocalGreeter()).build();
    awaitAll(client.stub(GreeterGrpc::newBlockingStub, config), greeters);
    greeters[0].failWith(Status.UNAVAILABLE.withDescription("down"));
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    HelloReply blocking = client.stub(GreeterGrpc::newBlockingStub, config)
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
        .sayHello(WORLD);
    HelloReply future = client.stub(GreeterGrpc::newFutureStub, config).sayHello(WORLD)
        .get(5, TimeUnit.SECONDS);
    HelloReply async = callAsync(client.stub(GreeterGrpc::newStub, config));

    assertThat(blocking.getServedBy()).isEqualTo("fallback");
    assertThat(future.getMessage()).isEqualTo("local world");
    assertThat(async.getServedBy()).isEqualTo("fallback");
    assertThat(trailers.get().get(Fallbacks.HEADER)).isEqualTo(Fallbacks.OBJECT);
  }

  @Test
  void cacheableMethodAnswersWithTheLastGoodResponse() throws Exception {
    DelayedGreeter[] greeters = start(1);
    ReferenceConfig config = ReferenceConfig.builder().deadline(Duration.ofSeconds(5))
        .method("SayHello", MethodPolicy.builder().cacheable(true).build()).build();
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub, config);
    HelloReply fresh = greeter.sayHello(WORLD);
    greeters[0].failWith(Status.UNAVAILABLE.withDescription("down"));
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    HelloReply blocking = greeter
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
        .sayHello(WORLD);
    HelloReply future = client.stub(GreeterGrpc::newFutureStub, config).sayHello(WORLD)
        .get(5, TimeUnit.SECONDS);
    HelloReply async = callAsync(client.stub(GreeterGrpc::newStub, config));

    assertThat(blocking).isEqualTo(fresh);
    assertThat(future).isEqualTo(fresh);
    assertThat(async).isEqualTo(fresh);
    assertThat(headers.get().get(Fallbacks.HEADER)).isEqualTo(Fallbacks.CACHE);
    // A request never answered before has nothing cached: it fails as it is.
    assertThatThrownBy(() -> greeter.sayHello(HelloRequest.newBuilder().setName("new").build()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void aCachedResponseGoesOnlyToTheCallerItWasAnsweredFor() {
    DelayedGreeter[] greeters = start(1);
    ReferenceConfig config = ReferenceConfig.builder().deadline(Duration.ofSeconds(5))
        .method("SayHello", MethodPolicy.builder().cacheable(true).build()).build();
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub, config);
    GreeterGrpc.GreeterBlockingStub alice = as(greeter, "Bearer alice");
    GreeterGrpc.GreeterBlockingStub bob = as(greeter, "Bearer bob");
    HelloReply forAlice = alice.sayHello(WORLD);
    greeters[0].failWith(Status.UNAVAILABLE.withDescription("down"));

    assertThat(alice.sayHello(WORLD)).isEqualTo(forAlice);
    // The same request from another caller (authorization differs) finds nothing cached.
    assertThatThrownBy(() -> bob.sayHello(WORLD))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThatThrownBy(() -> greeter.sayHello(WORLD)) // nor one without any
        .isInstanceOf(StatusRuntimeException.class);
  }

  private static GreeterGrpc.GreeterBlockingStub as(GreeterGrpc.GreeterBlockingStub stub,
      String authorization) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        authorization);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void otherFailuresAreNotHidden() {
    DelayedGreeter[] greeters = start(1);
    ReferenceConfig config = ReferenceConfig.builder().deadline(Duration.ofSeconds(5))
        .method("SayHello", MethodPolicy.builder().fallbackResponse(CANNED).build()).build();
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub, config);
    greeter.sayHello(WORLD);
    greeters[0].failWith(Status.INVALID_ARGUMENT.withDescription("bad name"));

    assertThatThrownBy(() -> greeter.sayHello(WORLD))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  private static HelloReply callAsync(GreeterGrpc.GreeterStub stub) throws Exception {
    CompletableFuture<HelloReply> reply = new CompletableFuture<>();
    stub.sayHello(WORLD, Replies.completing(reply));
    return reply.get(5, TimeUnit.SECONDS);
  }
}
