package dev.switchboard.spring.boot;

import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryHealth;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Health indicators, when Spring Boot's health support is present:
 * {@code switchboardRegistry} (DOWN once the registry session is lost, past its timeout; UP
 * while connected, and while suspended within the timeout, as consumers keep their views) and
 * {@code switchboardServer} (UP while registered; OUT_OF_SERVICE before registration, while
 * the registry cannot be reached, and while shutting down). Both can be switched off with
 * {@code management.health.switchboard.enabled=false}.
 */
@AutoConfiguration(after = SwitchboardAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("switchboard")
public class SwitchboardHealthAutoConfiguration {

  @Bean
  @ConditionalOnBean(Registry.class)
  HealthIndicator switchboardRegistryHealthIndicator(Registry registry) {
    return () -> registryHealth(registry.health());
  }

  @Bean
  @ConditionalOnBean(SwitchboardServer.class)
  HealthIndicator switchboardServerHealthIndicator(SwitchboardServer server) {
    return () -> serverHealth(server);
  }

  static Health registryHealth(RegistryHealth health) {
    Health.Builder builder = switch (health.session()) {
      case RegistryHealth.LOST -> Health.down();
      case RegistryHealth.CONNECTED, RegistryHealth.SUSPENDED, RegistryHealth.READ_ONLY,
          RegistryHealth.NOT_APPLICABLE -> Health.up();
      default -> Health.unknown();
    };
    builder.withDetail("session", health.session())
        .withDetail("reRegistrations", health.reRegistrations())
        .withDetail("invalidNodesSkipped", health.invalidNodesSkipped());
    health.services().forEach((service, state) -> builder.withDetail("service." + service,
        Map.of("instances", state.instances(),
            "holdingLastKnownGood", state.holdingLastKnownGood(),
            "massDropHolds", state.massDropHolds())));
    return builder.build();
  }

  static Health serverHealth(SwitchboardServer switchboard) {
    Optional<RpcServer> running = switchboard.server();
    if (running.isEmpty()) {
      return Health.up().withDetail("serving", false).build();
    }
    RpcServer server = running.get();
    boolean registered = server.registered();
    Health.Builder builder = registered || !switchboard.registers() ? Health.up()
        : Health.outOfService();
    builder.withDetail("serving", true).withDetail("port", server.port())
        .withDetail("registered", registered);
    if (server.instance() != null) {
      builder.withDetail("instance", server.instance().instanceId());
    }
    return builder.build();
  }
}
