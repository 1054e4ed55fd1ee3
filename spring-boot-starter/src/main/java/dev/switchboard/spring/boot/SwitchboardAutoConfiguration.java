package dev.switchboard.spring.boot;

import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.Telemetry;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.spring.boot.internal.MicrometerBridge;
import dev.switchboard.spring.boot.internal.MicrometerUnits;
import io.micrometer.core.instrument.config.MeterFilter;
import dev.switchboard.spring.boot.internal.RpcReferenceInjector;
import dev.switchboard.spring.boot.internal.SettingsCompiler;
import dev.switchboard.spring.boot.internal.TelemetryFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.contrib.metrics.micrometer.MicrometerMeterProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Switchboard for Spring Boot: one registry connection, one {@link RpcServer} serving every
 * {@code @RpcService} bean (registered once the application is ready, drained inside the
 * context's graceful shutdown), one {@link RpcClient} filling {@code @RpcReference} fields and
 * constructor parameters, and telemetry into the application's Micrometer registry (and its
 * OpenTelemetry, for traces). Configured by {@link SwitchboardProperties}; each bean backs off
 * when the application defines its own.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "switchboard.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardAutoConfiguration {

  /** The registry connection, shared by the server and the client; closed with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Registry.class)
  @ConditionalOnProperty(name = "switchboard.registry.uri")
  Registry switchboardRegistry(SwitchboardProperties properties) {
    return SettingsCompiler.openRegistry(properties.getRegistry());
  }

  /** Where gRPC's and Switchboard's metrics and traces go. */
  @Bean
  @ConditionalOnMissingBean(Telemetry.class)
  Telemetry switchboardTelemetry(SwitchboardProperties properties,
      ObjectProvider<OpenTelemetry> openTelemetry, ObjectProvider<MicrometerBridge> micrometer) {
    return TelemetryFactory.create(properties.getTelemetry(), openTelemetry.getIfUnique(),
        micrometer.getIfAvailable());
  }

  /** Serves the {@code @RpcService} beans; a no-op without any. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "switchboard.server.enabled", matchIfMissing = true)
  SwitchboardServer switchboardServer(SwitchboardProperties properties,
      ObjectProvider<Registry> registry, Telemetry telemetry, ApplicationContext context,
      Environment environment) {
    return new SwitchboardServer(properties, registry, telemetry, context, environment);
  }

  /**
   * The client behind the stubs; created when the first reference needs it, and failing then
   * with a clear message if no registry is configured.
   */
  @Bean(destroyMethod = "close")
  @Lazy
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "switchboard.client.enabled", matchIfMissing = true)
  RpcClient switchboardClient(SwitchboardProperties properties, ObjectProvider<Registry> registry,
      Telemetry telemetry) {
    Registry shared = registry.getIfAvailable();
    String uri = properties.getRegistry().getUri();
    if (shared == null || uri == null) {
      throw new IllegalStateException("@RpcReference needs a registry: set switchboard.registry.uri"
          + " (e.g. zk://127.0.0.1:2181; with a Registry bean of your own, its URI)");
    }
    return SettingsCompiler.client(properties.getClient(), SettingsCompiler.Problems.FAIL)
        .registry(uri, shared)
        .telemetry(telemetry)
        .build();
  }

  /** Fills {@code @RpcReference} fields and parameters of every bean. */
  @Bean
  @ConditionalOnBooleanProperty(name = "switchboard.client.enabled", matchIfMissing = true)
  static RpcReferenceInjector switchboardReferenceInjector() {
    return new RpcReferenceInjector();
  }

  /** Records into the application's Micrometer registry, when it has one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, MicrometerMeterProvider.class})
  static class MicrometerConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    MicrometerBridge switchboardMicrometerBridge(ObjectProvider<MeterRegistry> registry) {
      return new MicrometerBridge(registry::getIfAvailable);
    }

    /** Micrometer's unit names for gRPC's and Switchboard's meters. */
    @Bean
    static MeterFilter switchboardMeterUnits() {
      return new MicrometerUnits();
    }
  }
}
