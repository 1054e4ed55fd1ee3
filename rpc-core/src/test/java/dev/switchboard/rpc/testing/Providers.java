package dev.switchboard.rpc.testing;

import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Starts test providers on loopback, port 0. */
public final class Providers {
  private Providers() {}

  /** Starts a provider of {@code service} registered in {@code registryUri} with {@code weight}. */
  public static RpcServer start(String registryUri, Object service, int weight) {
    return RpcServer.builder()
        .application("test-app")
        .registry(registryUri)
        .bindAddress("127.0.0.1")
        .weight(weight)
        .drainPeriod(Duration.ofMillis(300))
        .shutdownGrace(Duration.ofSeconds(5))
        .shutdownHook(false)
        .addService(service)
        .build()
        .start();
  }

  /**
   * Starts {@code count} prompt {@link DelayedGreeter}s named g0, g1... as providers of weight 100,
   * registering them and their servers with {@code closer}.
   */
  public static DelayedGreeter[] startDelayed(String registryUri, Closer closer, int count) {
    DelayedGreeter[] greeters = new DelayedGreeter[count];
    for (int i = 0; i < count; i++) {
      greeters[i] = closer.register(new DelayedGreeter("g" + i, 0));
      closer.register(start(registryUri, greeters[i], 100));
    }
    return greeters;
  }

  /** Starts a server of {@code service} on loopback {@code port} (0 for any) that registers nowhere. */
  public static RpcServer startUnregistered(Object service, int port) {
    return RpcServer.builder().bindAddress("127.0.0.1").port(port).shutdownHook(false)
        .drainPeriod(Duration.ZERO).shutdownGrace(Duration.ofSeconds(1))
        .addService(service).build().start();
  }

  /**
   * Registers a Greeter instance at 127.0.0.1:{@code port} in {@code registryUri}, whether or not
   * anything listens there; closing the returned registry deregisters it.
   */
  public static Registry registerAt(String registryUri, int port) {
    Registry registry = RegistryProviders.loadDefault().open(registryUri);
    registry.register(new ProviderInstance(ProviderInstance.newInstanceId("127.0.0.1", port),
        "test-app", "127.0.0.1", port, InstanceState.SERVING, Instant.now(),
        List.of(ExportedService.of("helloworld.Greeter"))));
    return registry;
  }
}
