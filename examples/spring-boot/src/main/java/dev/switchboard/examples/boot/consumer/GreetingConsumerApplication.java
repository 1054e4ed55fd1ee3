package dev.switchboard.examples.boot.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A consumer: {@link GreetingController} takes a Greeter stub as an {@code @RpcReference}
 * constructor parameter; settings in {@code greeting-consumer.yml}.
 */
@SpringBootApplication
public class GreetingConsumerApplication {
  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(GreetingConsumerApplication.class);
    application.setDefaultProperties(java.util.Map.of("spring.config.name", "greeting-consumer"));
    application.run(args);
  }
}
