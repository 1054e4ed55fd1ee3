package dev.switchboard.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcReference;
import dev.switchboard.rpc.Telemetry;
import dev.switchboard.rpc.registry.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration's conditions and property checks, in application context runners. */
class SwitchboardAutoConfigurationTest {
  private static final AtomicInteger names = new AtomicInteger();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class,
          SwitchboardHealthAutoConfiguration.class));

  private static String memoryRegistry() {
    return "switchboard.registry.uri=memory://autoconfig-" + names.incrementAndGet();
  }

  @Test
  void withoutARegistryThereIsNoRegistryButTheServerAndInjectorStandBy() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(Registry.class);
      assertThat(context).hasSingleBean(SwitchboardServer.class);
      assertThat(context).hasSingleBean(Telemetry.class);
      assertThat(context.getBean(SwitchboardServer.class).server()).isEmpty();
    });
  }

  @Test
  void aRegistryUriOpensOneRegistryAndTheClientIsBuiltOnIt() {
    runner.withPropertyValues(memoryRegistry()).run(context -> {
      assertThat(context).hasSingleBean(Registry.class);
      assertThat(context.getBean(RpcClient.class)).isNotNull();
    });
  }

  @Test
  void switchingItOffLeavesNothing() {
    runner.withPropertyValues("switchboard.enabled=false", memoryRegistry()).run(context -> {
      assertThat(context).doesNotHaveBean(Registry.class);
      assertThat(context).doesNotHaveBean(SwitchboardServer.class);
      assertThat(context).doesNotHaveBean(RpcClient.class);
    });
    runner.withPropertyValues("switchboard.server.enabled=false",
        "switchboard.client.enabled=false").run(context -> {
          assertThat(context).doesNotHaveBean(SwitchboardServer.class);
          assertThat(context).doesNotHaveBean(RpcClient.class);
        });
  }

  @Test
  void theApplicationsOwnBeansWin() {
    Telemetry own = Telemetry.disabled();
    runner.withBean(Telemetry.class, () -> own).run(context ->
        assertThat(context.getBean(Telemetry.class)).isSameAs(own));
  }

  @Test
  void aMicrometerRegistryReceivesTheMetrics() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context ->
        assertThat(context.getBean(Telemetry.class).enabled()).isTrue());
    runner.withPropertyValues("switchboard.telemetry.enabled=false")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(context -> assertThat(context.getBean(Telemetry.class).enabled()).isFalse());
  }

  @Test
  void badValuesFailTheStartNamingThePropertyTheValueAndWhatIsAllowed() {
    assertBindingFails("switchboard.server.weight=0", "server.weight", "[0]",
        "out of range (allowed: 1..10000)");
    assertBindingFails("switchboard.server.port=70000", "server.port", "[70000]",
        "allowed: 0..65535");
    assertBindingFails("switchboard.client.balancer=fastest", "client.balancer", "[fastest]",
        "balancer 'fastest' is unknown");
    assertBindingFails("switchboard.registry.uri=etcd://x:2379", "registry.uri", "etcd://",
        "");
    assertBindingFails("switchboard.registry.session-timeout=1h", "registry.sessionTimeout",
        "[PT1H]", "out of range (allowed: PT1S..", "switchboard.registry.uri=zk://zk1:2181");
    assertBindingFails("switchboard.registry.session-timeout=10s", "registry.uri", "",
        "is required when other registry settings are set");
    assertBindingFails("switchboard.server.tls.certificate-chain=/no/such/cert.pem",
        "server.tls.privateKey", "", "needs both a certificate chain and a private key");
    assertBindingFails("switchboard.client.references[helloworld.Greeter].max-attempts=9",
        "client.references[helloworld.Greeter].maxAttempts", "[9]", "");
    assertBindingFails("switchboard.client.references[helloworld.Greeter].retry-on=SOMETIMES",
        "client.references[helloworld.Greeter].retryOn", "", "needs max-attempts");
    assertBindingFails("switchboard.application=no spaces allowed", "application", "", "");
    assertBindingFails("switchboard.client.zone-min-healthy-share=1.5",
        "client.zoneMinHealthyShare", "[1.5]", "out of range (allowed: > 0 and <= 1)",
        "switchboard.client.zone=eu-west-1a");
  }

  @Test
  void aValueOfTheWrongTypeFailsWithSpringsConversionReport() {
    runner.withPropertyValues("switchboard.client.deadline=soon").run(context -> {
      assertThat(context).hasFailed();
      BindException binding = findCause(context.getStartupFailure(), BindException.class);
      assertThat(binding.getProperty().getName().toString()).isEqualTo("switchboard.client.deadline");
      assertThat(binding.getProperty().getValue()).isEqualTo("soon");
      assertThat(binding).rootCause().hasMessageContaining("soon");
    });
  }

  private void assertBindingFails(String property, String field, String value,
      String allowed, String... others) {
    runner.withPropertyValues(property).withPropertyValues(others).run(context -> {
      assertThat(context).as(property).hasFailed();
      Throwable failure = context.getStartupFailure();
      BindValidationException validation = findCause(failure, BindValidationException.class);
      assertThat(validation).as(property + " fails validation: " + failure).isNotNull();
      assertThat(validation.getValidationErrors().getAllErrors()).as(property)
          .anySatisfy(error -> {
            assertThat(error.toString()).contains("field '" + field + "'");
            assertThat(error.toString()).contains(value);
            assertThat(error.getDefaultMessage()).contains(allowed);
          });
    });
  }

  private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  @Test
  void aStubBeanInTheContextTakesTheReferencesPlace() {
    ManagedChannel channel = InProcessChannelBuilder.forName("nowhere").build();
    try {
      GreeterGrpc.GreeterBlockingStub fake = GreeterGrpc.newBlockingStub(channel);
      runner.withUserConfiguration(NeedsGreeter.class)
          .withBean(GreeterGrpc.GreeterBlockingStub.class, () -> fake)
          .run(context -> assertThat(context.getBean(NeedsGreeter.Holder.class).greeter)
              .isSameAs(fake));
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aReferenceWithoutARegistryFailsNamingTheProperty() {
    runner.withUserConfiguration(NeedsGreeter.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("switchboard.registry.uri");
    });
  }

  @Test
  void aReferenceOnAFinalFieldIsRefusedNamingIt() {
    runner.withPropertyValues(memoryRegistry()).withUserConfiguration(FinalField.class)
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageContaining("FinalField$Holder.greeter")
              .hasMessageContaining("neither static nor final");
        });
  }

  @Test
  @org.junit.jupiter.api.extension.ExtendWith(
      org.springframework.boot.test.system.OutputCaptureExtension.class)
  void anOverrideThatMatchesNoReferenceIsReported(
      org.springframework.boot.test.system.CapturedOutput output) {
    runner.withPropertyValues(memoryRegistry(),
            "switchboard.client.references[helloworld.Greeter].deadline=1s",
            "switchboard.client.references[helloworld.Greetr].deadline=1s")
        .withUserConfiguration(NeedsGreeter.class)
        .run(context -> assertThat(context).hasNotFailed());

    assertThat(output).contains("switchboard.client.references[helloworld.Greetr] matches no"
        + " @RpcReference created at start (services referenced: [helloworld.Greeter])");
    assertThat(output).doesNotContain("references[helloworld.Greeter] matches no");
  }

  @Configuration(proxyBeanMethods = false)
  static class NeedsGreeter {
    static class Holder {
      @RpcReference
      GreeterGrpc.GreeterBlockingStub greeter;
    }

    @Bean
    Holder holder() {
      return new Holder();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class FinalField {
    static class Holder {
      @RpcReference
      final GreeterGrpc.GreeterBlockingStub greeter = null;
    }

    @Bean
    Holder holder() {
      return new Holder();
    }
  }

}
