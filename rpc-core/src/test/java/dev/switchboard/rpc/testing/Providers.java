package dev.switchboard.rpc.testing;

import dev.switchboard.rpc.RpcServer;
import java.time.Duration;

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
}
