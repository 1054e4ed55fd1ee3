package dev.switchboard.jmh.call;

import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

/**
 * A Dubbo 3 provider and consumer of the Greeter in this JVM, over the Triple protocol on
 * loopback, as {@link DubboTripleBenchmark} calls them.
 *
 * <p>Both live in their own {@link FrameworkModel} (nothing in Dubbo's default models), each in
 * an application of its own: no registry (the consumer has the direct URL
 * {@code tri://127.0.0.1:port}), no config centre or metadata report, QoS and file caches off.
 * The provider listens on a free loopback port. The interface's methods take and return the
 * protobuf messages, so Triple sends them protobuf-encoded, as gRPC does, not wrapped.
 *
 * <p>Not thread-safe to start or close; the {@link Greeter} proxy it returns is thread-safe.
 */
final class DubboTriple implements AutoCloseable {
  /** The reply the provider sends: the same as {@link CallStack}'s server. */
  static final HelloReply REPLY = HelloReply.newBuilder().setMessage("hi").build();

  /** The Greeter as a Dubbo service interface. */
  public interface Greeter {
    /** A blocking unary call. */
    HelloReply sayHello(HelloRequest request);

    /** An async unary call: Dubbo completes the future when the reply arrives. */
    CompletableFuture<HelloReply> sayHelloAsync(HelloRequest request);
  }

  /** The provider's implementation: replies at once, on the thread Dubbo calls it on. */
  static final class GreeterImpl implements Greeter {
    @Override
    public HelloReply sayHello(HelloRequest request) {
      return REPLY;
    }

    @Override
    public CompletableFuture<HelloReply> sayHelloAsync(HelloRequest request) {
      return CompletableFuture.completedFuture(REPLY);
    }
  }

  private final FrameworkModel framework;
  private final DubboBootstrap provider;
  private final DubboBootstrap consumer;
  private final Greeter greeter;

  private DubboTriple(FrameworkModel framework, DubboBootstrap provider, DubboBootstrap consumer,
      Greeter greeter) {
    this.framework = framework;
    this.provider = provider;
    this.consumer = consumer;
    this.greeter = greeter;
  }

  /** Starts the provider, then the consumer connected to it. */
  static DubboTriple start() {
    FrameworkModel framework = new FrameworkModel();
    DubboBootstrap provider = null;
    DubboBootstrap consumer = null;
    try {
      provider = DubboBootstrap.newInstance(framework);
      ProtocolConfig protocol = new ProtocolConfig("tri");
      protocol.setHost("127.0.0.1");
      protocol.setPort(freePort());
      ServiceConfig<Greeter> service = new ServiceConfig<>();
      service.setInterface(Greeter.class);
      service.setRef(new GreeterImpl());
      provider.application(application("bench-dubbo-provider"))
          .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
          .protocol(protocol)
          .service(service)
          .start();
      int port = service.getExportedUrls().get(0).getPort();

      consumer = DubboBootstrap.newInstance(framework);
      ReferenceConfig<Greeter> reference = new ReferenceConfig<>();
      reference.setInterface(Greeter.class);
      reference.setUrl("tri://127.0.0.1:" + port);
      reference.setTimeout(5_000); // as the raw-deadline and switchboard stacks' 5 s deadline
      consumer.application(application("bench-dubbo-consumer"))
          .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
          .reference(reference)
          .start();
      return new DubboTriple(framework, provider, consumer, reference.get());
    } catch (RuntimeException e) {
      stop(framework, provider, consumer);
      throw e;
    }
  }

  /**
   * A port free on loopback now. Dubbo's own "random" port ({@code -1}) starts probing at 50051
   * and warns that it did; a system-picked ephemeral port keeps off gRPC's usual port.
   */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static ApplicationConfig application(String name) {
    ApplicationConfig application = new ApplicationConfig(name);
    application.setQosEnable(false);
    application.setEnableFileCache(false);
    application.setRegisterMode("interface");
    application.setMetadataType("local");
    return application;
  }

  /** The consumer's proxy for the provider's Greeter. */
  Greeter greeter() {
    return greeter;
  }

  /** Sends {@code calls} blocking calls: connects and warms both sides. */
  void warmUp(int calls) {
    for (int i = 0; i < calls; i++) {
      greeter.sayHello(CallStack.REQUEST);
    }
  }

  /** Stops the consumer, then the provider, then their framework model. */
  @Override
  public void close() {
    stop(framework, provider, consumer);
  }

  private static void stop(FrameworkModel framework, DubboBootstrap provider,
      DubboBootstrap consumer) {
    try {
      if (consumer != null) {
        consumer.stop();
      }
      if (provider != null) {
        provider.stop();
      }
    } finally {
      framework.destroy();
    }
  }
}
