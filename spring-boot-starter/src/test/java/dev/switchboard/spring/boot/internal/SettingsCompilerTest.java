package dev.switchboard.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.rpc.OutlierDetection;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcReference;
import dev.switchboard.spring.boot.SwitchboardProperties;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How properties override what a reference's annotation says. */
class SettingsCompilerTest {

  static final class Annotated {
    @RpcReference(deadline = "5s", hashField = "name")
    Object greeter;
  }

  private static ReferenceConfig annotation() throws NoSuchFieldException {
    return ReferenceConfig.from(Annotated.class.getDeclaredField("greeter")
        .getAnnotation(RpcReference.class), "Annotated.greeter");
  }

  @Test
  void setValuesOverrideTheAnnotationAndUnsetOnesKeepIt() throws Exception {
    SwitchboardProperties.Reference overrides = new SwitchboardProperties.Reference();
    overrides.setDeadline(Duration.ofMillis(250));
    overrides.setBalancer("switchboard_least_request");
    overrides.setMaxAttempts(3);
    overrides.setRetryOn(List.of("UNAVAILABLE", "RESOURCE_EXHAUSTED"));
    overrides.setEjectOutliers(true);
    List<String> problems = new ArrayList<>();

    ReferenceConfig merged = SettingsCompiler.override(annotation(), overrides, "ref",
        (path, message) -> problems.add(path + ": " + message));

    assertThat(problems).isEmpty();
    assertThat(merged.deadline()).contains(Duration.ofMillis(250));
    assertThat(merged.hashField()).contains("name"); // kept from the annotation
    assertThat(merged.balancer().orElseThrow().policyName())
        .isEqualTo("switchboard_least_request");
    assertThat(merged.methodDefaults().retry().orElseThrow().maxAttempts()).isEqualTo(3);
    assertThat(merged.methodDefaults().retry().orElseThrow().retryOn())
        .containsExactlyInAnyOrder(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED);
    assertThat(merged.outlierDetection()).contains(OutlierDetection.DEFAULTS);
  }

  @Test
  void moreAttemptsKeepTheAnnotationsRetriedCodes() throws Exception {
    ReferenceConfig base = annotation().toBuilder().methodDefaults(
        dev.switchboard.rpc.MethodPolicy.builder().retry(dev.switchboard.rpc.RetryPolicy
            .attempts(2).retryingOn(java.util.Set.of(Status.Code.RESOURCE_EXHAUSTED))).build())
        .build();
    SwitchboardProperties.Reference overrides = new SwitchboardProperties.Reference();
    overrides.setMaxAttempts(4);

    ReferenceConfig merged = SettingsCompiler.override(base, overrides, "ref",
        SettingsCompiler.Problems.FAIL);

    assertThat(merged.methodDefaults().retry().orElseThrow().maxAttempts()).isEqualTo(4);
    assertThat(merged.methodDefaults().retry().orElseThrow().retryOn())
        .containsExactly(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void noOverridesIsTheAnnotationItself() throws Exception {
    ReferenceConfig base = annotation();
    assertThat(SettingsCompiler.override(base, null, "ref", SettingsCompiler.Problems.FAIL))
        .isSameAs(base);
  }

  @Test
  void balancerSettingsWithNestedKeysReachTheBalancersOwnCheck() throws Exception {
    SwitchboardProperties.Reference overrides = new SwitchboardProperties.Reference();
    overrides.setBalancer("switchboard_peak_ewma");
    overrides.setBalancerSettings(Map.of("failureAccrual.consecutiveFailures", "-1"));
    List<String> problems = new ArrayList<>();

    SettingsCompiler.override(annotation(), overrides, "ref",
        (path, message) -> problems.add(path + ": " + message));

    assertThat(problems).singleElement().asString().startsWith("ref.balancer: ")
        .contains("consecutiveFailures");
  }
}
