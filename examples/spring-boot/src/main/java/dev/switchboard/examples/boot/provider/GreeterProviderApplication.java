package dev.switchboard.examples.boot.provider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Greeter provider: {@link GreeterService} is served and registered by the starter; settings
 * in {@code greeter-provider.yml}.
 */
@SpringBootApplication
public class GreeterProviderApplication {

  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(GreeterProviderApplication.class);
    application.setDefaultProperties(java.util.Map.of("spring.config.name", "greeter-provider"));
    application.run(args);
  }
}
