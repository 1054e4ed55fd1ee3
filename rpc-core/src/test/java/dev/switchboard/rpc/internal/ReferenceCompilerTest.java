package dev.switchboard.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.rpc.BalancerSettings;
import dev.switchboard.rpc.CallAttemptsAware;
import dev.switchboard.rpc.HedgingPolicy;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.OutlierDetection;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryBudget;
import dev.switchboard.rpc.RetryPolicy;
import dev.switchboard.rpc.internal.ReferenceCompiler.ChannelKey;
import dev.switchboard.rpc.internal.ReferenceCompiler.ClientDefaults;
import dev.switchboard.rpc.internal.ReferenceCompiler.CompiledReference;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How a {@link ReferenceConfig} is compiled into a channel key and an interceptor chain. */
class ReferenceCompilerTest {
  private static final String WHERE = "test-reference";
  private static final String SERVICE = "helloworld.Greeter";
  private static final ServiceDescriptor GREETER = GreeterGrpc.getServiceDescriptor();
  private static final BalancerSettings PICK_FIRST = BalancerSettings.named("pick_first");
  private static final ClientDefaults NO_DEFAULTS = new ClientDefaults(PICK_FIRST, null);

  private final AtomicLong clock = new AtomicLong();
  private final Map<ChannelKey, RetryBudgetTracker> budgets = new ConcurrentHashMap<>();
  private final List<String> fallbackRequests = new ArrayList<>();
  private final FallbackInterceptor.Shared shared = new FallbackInterceptor.Shared(
      Caffeine.newBuilder().executor(Runnable::run).build(), new FallbackStats(clock::get));
  private final AttemptsAwareProvider attemptsAware = new AttemptsAwareProvider();
  private CallOptions seen;

  /** Records the options of the calls made on it; its calls do nothing. */
  private final Channel capturing = new Channel() {
    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      seen = options;
      return new NoopCall<>();
    }

    @Override
    public String authority() {
      return "test";
    }
  };

  private final ReferenceCompiler.Resources resources = new ReferenceCompiler.Resources() {
    @Override
    public RetryBudgetTracker budget(ChannelKey key) {
      return budgets.computeIfAbsent(key, k -> new RetryBudgetTracker(k.retryBudget(), clock::get));
    }

    @Override
    public Channel fallbackChannel(ReferenceConfig config, ServiceDescriptor service,
        String where) {
      if (config.fallback().isEmpty() && config.fallbackType().isEmpty()) {
        return null;
      }
      fallbackRequests.add(where + " " + service.getName());
      return capturing;
    }

    @Override
    public FallbackInterceptor.Shared fallbacks() {
      return shared;
    }
  };

  /** A balancer that honours CallAttempts (so it allows retries), behaving as pick_first. */
  static final class AttemptsAwareProvider extends LoadBalancerProvider
      implements CallAttemptsAware {
    static final String NAME = "switchboard_test_attempts_aware";
    private final LoadBalancerProvider pickFirst =
        LoadBalancerRegistry.getDefaultRegistry().getProvider("pick_first");

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public int getPriority() {
      return 5;
    }

    @Override
    public String getPolicyName() {
      return NAME;
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
      return pickFirst.newLoadBalancer(helper);
    }

    @Override
    public NameResolver.ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> config) {
      return pickFirst.parseLoadBalancingPolicyConfig(config);
    }
  }

  /** A call that does nothing. */
  static final class NoopCall<Q, R> extends ClientCall<Q, R> {
    @Override
    public void start(Listener<R> listener, Metadata headers) {}

    @Override
    public void request(int count) {}

    @Override
    public void cancel(String message, Throwable cause) {}

    @Override
    public void halfClose() {}

    @Override
    public void sendMessage(Q message) {}
  }

  /** Answers as a fallback object would; never called here. */
  static final class LocalGreeter extends GreeterGrpc.GreeterImplBase {}

  @BeforeEach
  void registerAttemptsAwareBalancer() {
    LoadBalancerRegistry.getDefaultRegistry().register(attemptsAware);
  }

  @AfterEach
  void deregisterAttemptsAwareBalancer() {
    LoadBalancerRegistry.getDefaultRegistry().deregister(attemptsAware);
  }

  private CompiledReference compile(ReferenceConfig config) {
    return compile(config, NO_DEFAULTS);
  }

  private CompiledReference compile(ReferenceConfig config, ClientDefaults defaults) {
    return ReferenceCompiler.compile(config, defaults, GREETER, SERVICE, resources, WHERE);
  }

  private static List<Class<?>> classes(CompiledReference reference) {
    List<Class<?>> classes = new ArrayList<>();
    for (ClientInterceptor interceptor : reference.interceptors()) {
      classes.add(interceptor.getClass());
    }
    return classes;
  }

  private static RetryPolicy subMillisecondRetry() {
    return new RetryPolicy(3, Duration.ofNanos(500_000), Duration.ofMillis(20), 2.0,
        Set.of(Status.Code.UNAVAILABLE));
  }

  private static ReferenceConfig.Builder retrying() {
    return ReferenceConfig.builder().balancer(AttemptsAwareProvider.NAME)
        .method("SayHello", MethodPolicy.builder().retry(subMillisecondRetry()).build());
  }

  // --- the interceptor chain ---

  @Test
  void plainReferenceHasPolicyThenContextHashKeyThenExplain() {
    CompiledReference reference = compile(ReferenceConfig.defaults());

    assertThat(classes(reference)).containsExactly(
        MethodPolicyInterceptor.class, ContextHashKeyInterceptor.class,
        ExplainInterceptor.class);
    assertThat(fallbackRequests).as("no fallback channel was handed out").isEmpty();
  }

  @Test
  void hashFieldAddsTheRequestFieldInterceptorThenExplain() {
    CompiledReference reference = compile(ReferenceConfig.builder().hashField("name").build());

    assertThat(classes(reference)).containsExactly(MethodPolicyInterceptor.class,
        ContextHashKeyInterceptor.class, RequestFieldHashKeyInterceptor.class,
        ExplainInterceptor.class);
  }

  @Test
  void fallbackObjectPutsTheFallbackInterceptorOutermost() {
    CompiledReference reference = compile(ReferenceConfig.builder()
        .fallback(new LocalGreeter()).hashField("name").build());

    assertThat(classes(reference)).containsExactly(FallbackInterceptor.class,
        MethodPolicyInterceptor.class, ContextHashKeyInterceptor.class,
        RequestFieldHashKeyInterceptor.class, ExplainInterceptor.class);
    assertThat(fallbackRequests).containsExactly(WHERE + " " + SERVICE);
  }

  @Test
  void fallbackClassPutsTheFallbackInterceptorOutermost() {
    CompiledReference reference =
        compile(ReferenceConfig.builder().fallback(LocalGreeter.class).build());

    assertThat(classes(reference)).containsExactly(FallbackInterceptor.class,
        MethodPolicyInterceptor.class, ContextHashKeyInterceptor.class,
        ExplainInterceptor.class);
  }

  @Test
  void methodFallbackPolicyAloneAddsTheFallbackInterceptor() {
    CompiledReference withResponse = compile(ReferenceConfig.builder()
        .method("SayHello", MethodPolicy.builder()
            .fallbackResponse(HelloReply.newBuilder().setMessage("canned").build()).build())
        .build());
    CompiledReference cacheable = compile(ReferenceConfig.builder()
        .method("SayHello", MethodPolicy.builder().cacheable(true).build()).build());

    assertThat(classes(withResponse)).containsExactly(FallbackInterceptor.class,
        MethodPolicyInterceptor.class, ContextHashKeyInterceptor.class,
        ExplainInterceptor.class);
    assertThat(classes(cacheable)).containsExactly(FallbackInterceptor.class,
        MethodPolicyInterceptor.class, ContextHashKeyInterceptor.class,
        ExplainInterceptor.class);
    assertThat(fallbackRequests).as("no fallback object was configured").isEmpty();
  }

  @Test
  void interceptReturnsAChannelWhoseOutermostInterceptorSeesCallsFirst() {
    List<String> order = new ArrayList<>();
    CompiledReference reference = new CompiledReference(
        ReferenceCompiler.plainChannel(SERVICE, PICK_FIRST, WHERE),
        List.of(recording("outer", order), recording("middle", order),
            recording("inner", order)));

    reference.intercept(capturing).newCall(GreeterGrpc.getSayHelloMethod(), CallOptions.DEFAULT);

    assertThat(order).containsExactly("outer", "middle", "inner");
    assertThat(seen).as("the call reached the channel").isNotNull();
  }

  private static ClientInterceptor recording(String name, List<String> order) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
          CallOptions options, Channel next) {
        order.add(name);
        return next.newCall(method, options);
      }
    };
  }

  // --- channel keys ---

  @Test
  void equalConfigsGiveEqualKeysAndShareOneBudget() {
    ReferenceConfig first = retrying().deadline(Duration.ofSeconds(2))
        .retryBudget(new RetryBudget(0.5, 3)).build();
    ReferenceConfig second = retrying().deadline(Duration.ofSeconds(2))
        .retryBudget(new RetryBudget(0.5, 3)).build();

    ChannelKey a = compile(first).channelKey();
    ChannelKey b = compile(second).channelKey();

    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(budgets).hasSize(1);
    assertThat(a.service()).isEqualTo(SERVICE);
    assertThat(a.retryBudget()).isEqualTo(new RetryBudget(0.5, 3));
  }

  @Test
  void differentBalancerSettingsGiveDifferentKeys() {
    ChannelKey plain = compile(ReferenceConfig.builder().balancer(PICK_FIRST).build())
        .channelKey();
    ChannelKey shuffled = compile(ReferenceConfig.builder()
        .balancer(BalancerSettings.of("pick_first", Map.of("shuffleAddressList", true)))
        .build()).channelKey();
    ChannelKey roundRobin = compile(ReferenceConfig.builder().balancer("round_robin").build())
        .channelKey();

    assertThat(plain).isNotEqualTo(shuffled).isNotEqualTo(roundRobin);
    assertThat(shuffled).isNotEqualTo(roundRobin);
    assertThat(budgets).as("one budget per channel").hasSize(3);
  }

  @Test
  void differentRetryBudgetsGiveDifferentKeys() {
    ChannelKey standard = compile(retrying().build()).channelKey();
    ChannelKey stingy = compile(retrying().retryBudget(new RetryBudget(0.05, 1)).build())
        .channelKey();

    assertThat(standard.retryBudget()).isEqualTo(RetryBudget.DEFAULT);
    assertThat(standard).isNotEqualTo(stingy);
    assertThat(budgets.get(standard)).isNotSameAs(budgets.get(stingy));
  }

  @Test
  void deadlineAloneDoesNotSplitChannels() {
    ChannelKey shortDeadline = compile(ReferenceConfig.builder()
        .deadline(Duration.ofMillis(100)).build()).channelKey();
    ChannelKey longDeadline = compile(ReferenceConfig.builder()
        .deadline(Duration.ofSeconds(100)).build()).channelKey();

    assertThat(shortDeadline).isEqualTo(longDeadline);
  }

  // --- service config ---

  @Test
  void serviceConfigNamesTheBalancerWithItsSettings() {
    ChannelKey key = compile(ReferenceConfig.builder()
        .balancer(BalancerSettings.of("pick_first", Map.of("shuffleAddressList", true)))
        .build()).channelKey();

    assertThat(key.serviceConfig()).containsOnlyKeys("loadBalancingConfig");
    assertThat(key.serviceConfig().get("loadBalancingConfig"))
        .isEqualTo(List.of(Map.of("pick_first", Map.of("shuffleAddressList", true))));
  }

  @Test
  void clientDefaultBalancerIsUsedWhenTheReferenceNamesNone() {
    ChannelKey key = compile(ReferenceConfig.defaults(),
        new ClientDefaults(BalancerSettings.named("round_robin"), null)).channelKey();

    assertThat(key.balancer()).isEqualTo(BalancerSettings.named("round_robin"));
    assertThat(key.serviceConfig().get("loadBalancingConfig"))
        .isEqualTo(List.of(Map.of("round_robin", Map.of())));
  }

  @Test
  void subMillisecondBackoffIsWrittenInPlainDecimals() {
    ChannelKey key = compile(retrying().build()).channelKey();

    Map<String, ?> config = key.serviceConfig();
    assertThat(config.get("loadBalancingConfig"))
        .isEqualTo(List.of(Map.of(AttemptsAwareProvider.NAME, Map.of())));
    assertThat(config.get("methodConfig")).isEqualTo(List.of(Map.of(
        "name", List.of(Map.of("service", SERVICE, "method", "SayHello")),
        "retryPolicy", Map.of(
            "maxAttempts", 3.0,
            "initialBackoff", "0.0005s",
            "maxBackoff", "0.02s",
            "backoffMultiplier", 2.0,
            "retryableStatusCodes", List.of("UNAVAILABLE")))));
    assertThat(config.toString()).doesNotContain("E-");
  }

  @Test
  void grpcAcceptsTheServiceConfigAndWouldRejectAnExponent() {
    Map<String, ?> config = compile(retrying().build()).channelKey().serviceConfig();
    assertThat(defaultConfigError(config)).as("the compiled service config").isNull();

    // The guard above can fail: gRPC rejects the exponent form the codec must never write.
    Map<String, Object> exponent = new HashMap<>(config);
    @SuppressWarnings("unchecked")
    Map<String, Object> method = new HashMap<>(
        ((List<Map<String, Object>>) config.get("methodConfig")).get(0));
    @SuppressWarnings("unchecked")
    Map<String, Object> retry = new HashMap<>((Map<String, Object>) method.get("retryPolicy"));
    retry.put("initialBackoff", "5.0E-4s");
    method.put("retryPolicy", retry);
    exponent.put("methodConfig", List.of(method));
    RuntimeException rejected = defaultConfigError(exponent);
    assertThat(rejected).as("the exponent form").isNotNull();
    assertThat(rejected).hasMessageContaining("Default config is invalid")
        .hasMessageContaining("Invalid nanoseconds");
  }

  /** Returns why gRPC refuses {@code config} as a channel's default, or null if it takes it. */
  private static RuntimeException defaultConfigError(Map<String, ?> config) {
    ManagedChannel channel = null;
    try {
      channel = InProcessChannelBuilder.forName("reference-compiler-test-unused")
          .defaultServiceConfig(config).enableRetry().build();
      return null;
    } catch (RuntimeException e) {
      return e;
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void hedgingDelayIsWrittenInPlainDecimals() {
    ChannelKey key = compile(ReferenceConfig.builder().balancer(AttemptsAwareProvider.NAME)
        .method("SayHello", MethodPolicy.builder().idempotent(true)
            .hedging(new HedgingPolicy(2, Duration.ofNanos(250_000))).build())
        .build()).channelKey();

    @SuppressWarnings("unchecked")
    Map<String, ?> method = ((List<Map<String, ?>>) key.serviceConfig().get("methodConfig"))
        .get(0);
    assertThat(method.get("hedgingPolicy")).isEqualTo(Map.of(
        "maxAttempts", 2.0,
        "hedgingDelay", "0.00025s",
        "nonFatalStatusCodes", List.of("UNAVAILABLE")));
  }

  @Test
  void noRetryPolicyMeansNoMethodConfig() {
    ChannelKey key = compile(ReferenceConfig.builder()
        .deadline(Duration.ofSeconds(1)).build()).channelKey();

    assertThat(key.methodConfig()).isEmpty();
    assertThat(key.serviceConfig()).doesNotContainKey("methodConfig");
  }

  @Test
  void outlierDetectionWrapsTheBalancer() {
    ChannelKey key = compile(ReferenceConfig.builder().balancer("round_robin")
        .outlierDetection(OutlierDetection.DEFAULTS).build()).channelKey();

    @SuppressWarnings("unchecked")
    List<Map<String, ?>> policies =
        (List<Map<String, ?>>) key.serviceConfig().get("loadBalancingConfig");
    assertThat(policies).hasSize(1);
    assertThat(policies.get(0)).containsOnlyKeys("outlier_detection_experimental");
    @SuppressWarnings("unchecked")
    Map<String, ?> outlier = (Map<String, ?>) policies.get(0).get("outlier_detection_experimental");
    assertThat(outlier.get("childPolicy")).isEqualTo(List.of(Map.of("round_robin", Map.of())));
    assertThat(outlier.get("interval")).isEqualTo("10s");
    assertThat(outlier.get("baseEjectionTime")).isEqualTo("30s");
    assertThat(outlier.get("maxEjectionTime")).isEqualTo("300s");
    assertThat(key.outlierDetection()).isEqualTo(OutlierDetection.DEFAULTS);
    assertThat(key).isNotEqualTo(compile(ReferenceConfig.builder().balancer("round_robin")
        .build()).channelKey());
  }

  // --- balancer checks ---

  @Test
  void unknownBalancerFailsNamingTheReferenceAndThePolicy() {
    assertThatThrownBy(() -> compile(ReferenceConfig.builder().balancer("no_such_policy").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(WHERE + ": ")
        .hasMessageContaining("balancer 'no_such_policy' is unknown");
    assertThatThrownBy(() -> ReferenceCompiler.plainChannel(SERVICE,
        BalancerSettings.named("also_missing"), "channel(x)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel(x)")
        .hasMessageContaining("'also_missing'");
  }

  @Test
  void retryWithGrpcsOwnBalancersIsRejectedNamingTheBalancer() {
    MethodPolicy retry = MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build();

    for (String balancer : List.of("round_robin", "pick_first")) {
      assertThatThrownBy(() -> compile(ReferenceConfig.builder().balancer(balancer)
          .method("SayHello", retry).build()))
          .as(balancer)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(WHERE + ": ")
          .hasMessageContaining("balancer '" + balancer + "' cannot give retries");
    }
    assertThatThrownBy(() -> compile(ReferenceConfig.builder().methodDefaults(retry).build(),
        new ClientDefaults(BalancerSettings.named("round_robin"), null)))
        .as("the client's default balancer")
        .hasMessageContaining("balancer 'round_robin' cannot give retries");
  }

  @Test
  void hedgingWithGrpcsOwnBalancerIsRejected() {
    assertThatThrownBy(() -> compile(ReferenceConfig.builder().balancer("pick_first")
        .method("SayHello", MethodPolicy.builder().idempotent(true)
            .hedging(new HedgingPolicy(2, Duration.ofMillis(10))).build())
        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("balancer 'pick_first' cannot give retries");
  }

  @Test
  void pickFirstWithoutRetriesCompiles() {
    CompiledReference reference = compile(ReferenceConfig.builder().balancer("pick_first")
        .deadline(Duration.ofSeconds(1)).build());

    assertThat(reference.channelKey().balancer().policyName()).isEqualTo("pick_first");
    assertThat(reference.interceptors()).hasSize(3);
  }

  @Test
  void callAttemptsAwareBalancerAcceptsRetries() {
    CompiledReference reference = compile(retrying().build());

    assertThat(reference.channelKey().balancer().policyName())
        .isEqualTo(AttemptsAwareProvider.NAME);
    assertThat(reference.channelKey().methodConfig()).hasSize(1);
  }

  // --- deadlines ---

  @Test
  void clientDefaultDeadlineAppliesWhenTheReferenceSetsNone() {
    CompiledReference reference = compile(ReferenceConfig.defaults(),
        new ClientDefaults(PICK_FIRST, Duration.ofSeconds(7)));

    reference.intercept(capturing).newCall(GreeterGrpc.getSayHelloMethod(), CallOptions.DEFAULT);

    assertThat(seen.getDeadline()).isNotNull();
    assertThat(seen.getDeadline().timeRemaining(TimeUnit.MILLISECONDS)).isBetween(5_000L, 7_000L);
  }

  @Test
  void referenceDeadlineWinsOverTheClientDefault() {
    CompiledReference reference = compile(
        ReferenceConfig.builder().deadline(Duration.ofMillis(1500)).build(),
        new ClientDefaults(PICK_FIRST, Duration.ofSeconds(60)));

    reference.intercept(capturing).newCall(GreeterGrpc.getSayHelloMethod(), CallOptions.DEFAULT);

    assertThat(seen.getDeadline().timeRemaining(TimeUnit.MILLISECONDS)).isBetween(0L, 1_500L);
  }

  @Test
  void noDeadlineAnywhereMeansNone() {
    CompiledReference reference = compile(ReferenceConfig.defaults());

    reference.intercept(capturing).newCall(GreeterGrpc.getSayHelloMethod(), CallOptions.DEFAULT);

    assertThat(seen).isNotNull();
    assertThat(seen.getDeadline()).isNull();
  }
}
