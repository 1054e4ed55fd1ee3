package dev.switchboard.spring.boot;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.RpcReference;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** The Boot applications of the tests: a provider and a consumer, each with auto-configuration. */
final class TestApps {
  private TestApps() {}

  /** Serves one {@link CountingGreeter} named by the property {@code test.greeter}. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Provider {
    @Bean
    CountingGreeter greeter(Environment environment) {
      return new CountingGreeter(environment.getProperty("test.greeter", "greeter"));
    }
  }

  /** Holds Greeter stubs: one in a field, one taken by a constructor. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Consumer {
    @Bean
    FieldConsumer fieldConsumer() {
      return new FieldConsumer();
    }

    @Bean
    ConstructorConsumer constructorConsumer(
        @RpcReference(deadline = "5s") GreeterGrpc.GreeterBlockingStub greeter) {
      return new ConstructorConsumer(greeter);
    }
  }

  /** A bean whose stub arrives in a field. */
  static class FieldConsumer {
    @RpcReference(deadline = "5s")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  /** A bean whose stub arrives through its constructor (a final field). */
  static class ConstructorConsumer {
    final GreeterGrpc.GreeterBlockingStub greeter;

    ConstructorConsumer(GreeterGrpc.GreeterBlockingStub greeter) {
      this.greeter = greeter;
    }
  }
}
