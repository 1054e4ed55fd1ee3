package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Balancer settings and fallbacks read from {@link RpcReference}, and config equality. */
class ReferenceConfigSettingsTest {

  static final class Fallback extends GreeterGrpc.GreeterImplBase {}

  static final class NoDefaultConstructor extends GreeterGrpc.GreeterImplBase {
    NoDefaultConstructor(String name) {}
  }

  @SuppressWarnings("unused")
  static final class Fields {
    @RpcReference(balancer = "pick_first", balancerSettings = {"a=1", "b.c=x", "b.d=y"})
    GreeterGrpc.GreeterBlockingStub nested;

    @RpcReference(balancer = "pick_first", balancerSettings = {" a = 1 "})
    GreeterGrpc.GreeterBlockingStub spaced;

    @RpcReference(balancer = "pick_first", balancerSettings = {"a=1", "oops"})
    GreeterGrpc.GreeterBlockingStub noEquals;

    @RpcReference(balancer = "pick_first", balancerSettings = {"a="})
    GreeterGrpc.GreeterBlockingStub noValue;

    @RpcReference(balancer = "pick_first", balancerSettings = {"=1"})
    GreeterGrpc.GreeterBlockingStub noKey;
    @RpcReference(balancer = "pick_first", balancerSettings = "a.=1")
    GreeterGrpc.GreeterBlockingStub emptyLastPart;
    @RpcReference(balancer = "pick_first", balancerSettings = "b . =x")
    GreeterGrpc.GreeterBlockingStub blankPart;

    @RpcReference(balancer = "pick_first", balancerSettings = {"b.c=x", "a=1", "b.c=z"})
    GreeterGrpc.GreeterBlockingStub twice;

    @RpcReference(balancer = "pick_first", balancerSettings = {"a=1", "a.b=2"})
    GreeterGrpc.GreeterBlockingStub conflict;

    @RpcReference(balancerSettings = {"a=1"})
    GreeterGrpc.GreeterBlockingStub noBalancer;

    @RpcReference(balancer = "pick_first", balancerSettings = {"a=1", "b.c=x"},
        deadline = "250ms", maxAttempts = 3, ejectOutliers = true, hashField = "name",
        fallback = Fallback.class,
        methods = @RpcMethod(name = "SayHello", idempotent = true, hedgingDelay = "20ms"))
    GreeterGrpc.GreeterBlockingStub everything;

    @RpcReference(fallback = Fallback.class)
    GreeterGrpc.GreeterBlockingStub fallbackOnly;

    @RpcReference(balancer = "pick_first")
    GreeterGrpc.GreeterBlockingStub noSettings;
  }

  private static RpcReference annotation(String field) {
    try {
      return Fields.class.getDeclaredField(field).getAnnotation(RpcReference.class);
    } catch (NoSuchFieldException e) {
      throw new AssertionError(e);
    }
  }

  private static ReferenceConfig read(String field) {
    return ReferenceConfig.from(annotation(field), "Fields." + field);
  }

  @Test
  void dottedKeysBecomeNestedSettings() {
    BalancerSettings balancer = read("nested").balancer().orElseThrow();

    assertThat(balancer.policyName()).isEqualTo("pick_first");
    assertThat(balancer.serviceConfig())
        .isEqualTo(Map.of("a", "1", "b", Map.of("c", "x", "d", "y")));
    assertThat(balancer)
        .isEqualTo(BalancerSettings.of("pick_first",
            Map.of("a", "1", "b", Map.of("c", "x", "d", "y"))));
  }

  @Test
  void keysAndValuesAreTrimmed() {
    assertThat(read("spaced").balancer().orElseThrow().serviceConfig())
        .isEqualTo(Map.of("a", "1"));
  }

  @Test
  void balancerWithoutSettingsHasNone() {
    assertThat(read("noSettings").balancer()).contains(BalancerSettings.named("pick_first"));
    assertThat(read("fallbackOnly").balancer()).isEmpty();
  }

  @Test
  void entryWithoutEqualsFailsNamingIt() {
    assertThatThrownBy(() -> read("noEquals"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("@RpcReference on Fields.noEquals: ")
        .hasMessageContaining("balancerSettings entry 'oops' is not key=value");
    assertThatThrownBy(() -> read("noValue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 'a=' is not key=value");
    assertThatThrownBy(() -> read("noKey"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry '=1' is not key=value");
    assertThatThrownBy(() -> read("emptyLastPart"))
        .hasMessageContaining("entry 'a.=1' has an empty key part");
    assertThatThrownBy(() -> read("blankPart"))
        .hasMessageContaining("entry 'b . =x' has an empty key part");
  }

  @Test
  void sameKeyTwiceFails() {
    assertThatThrownBy(() -> read("twice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("@RpcReference on Fields.twice: ")
        .hasMessageContaining("balancerSettings sets b.c twice");
  }

  @Test
  void valueAndSubtreeUnderOneKeyConflict() {
    assertThatThrownBy(() -> read("conflict"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 'a.b=2' conflicts with the value already set for a");
  }

  @Test
  void settingsWithoutABalancerFail() {
    assertThatThrownBy(() -> read("noBalancer"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("@RpcReference on Fields.noBalancer: ")
        .hasMessageContaining("balancerSettings need a balancer");
  }

  @Test
  void fallbackClassWithoutNoArgConstructorFailsAtOnce() {
    assertThatThrownBy(() -> ReferenceConfig.builder().fallback(NoDefaultConstructor.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fallback " + NoDefaultConstructor.class.getName()
            + " cannot be created: it needs a no-argument constructor");
  }

  @Test
  void fallbackClassIsKeptAsAClass() {
    ReferenceConfig config = read("fallbackOnly");

    assertThat(config.fallbackType()).contains(Fallback.class);
    assertThat(config.fallback()).isEmpty();
  }

  @Test
  void configsReadFromOneAnnotationAreEqual() {
    ReferenceConfig first = read("everything");
    ReferenceConfig second = read("everything");

    assertThat(first).isEqualTo(second);
    assertThat(first.hashCode()).isEqualTo(second.hashCode());
    assertThat(first.fallbackType()).contains(Fallback.class);
    assertThat(first.deadline()).contains(Duration.ofMillis(250));
    assertThat(first.outlierDetection()).contains(OutlierDetection.DEFAULTS);
    assertThat(first.hashField()).contains("name");
    assertThat(first.methods().get("SayHello").hedging()).isPresent();
    assertThat(first.methodDefaults().retry().orElseThrow().maxAttempts()).isEqualTo(3);
    assertThat(first.balancer().orElseThrow().serviceConfig())
        .isEqualTo(Map.of("a", "1", "b", Map.of("c", "x")));
    assertThat(first).isNotEqualTo(read("nested"));
  }

  @Test
  void fallbackByClassComparesByClass() {
    ReferenceConfig fromAnnotation = read("fallbackOnly");
    ReferenceConfig built = ReferenceConfig.builder().fallback(Fallback.class).build();

    assertThat(fromAnnotation).isEqualTo(built);
    assertThat(fromAnnotation.hashCode()).isEqualTo(built.hashCode());
    assertThat(built).isNotEqualTo(ReferenceConfig.defaults());
  }

  @Test
  void fallbackByObjectComparesByIdentity() {
    Fallback object = new Fallback();
    ReferenceConfig a = ReferenceConfig.builder().fallback(object).build();
    ReferenceConfig b = ReferenceConfig.builder().fallback(object).build();
    ReferenceConfig other = ReferenceConfig.builder().fallback(new Fallback()).build();

    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(a).isNotEqualTo(other);
    assertThat(a).as("an object is not its class")
        .isNotEqualTo(ReferenceConfig.builder().fallback(Fallback.class).build());
  }
}
