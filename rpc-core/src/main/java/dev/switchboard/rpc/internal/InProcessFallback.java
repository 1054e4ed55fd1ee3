package dev.switchboard.rpc.internal;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * A fallback object served in-process, so that calls failing over to it run through gRPC like any
 * other and every stub flavour (blocking, future, async) gets its answer. Thread-safe.
 *
 * @param server the in-process server
 * @param channel the channel to it
 */
public record InProcessFallback(Server server, ManagedChannel channel) implements AutoCloseable {

  /** Serves {@code service} under a unique in-process name. */
  public static InProcessFallback start(ServerServiceDefinition service) {
    String name = InProcessServerBuilder.generateName();
    try {
      Server server = InProcessServerBuilder.forName(name).directExecutor()
          .addService(service).build().start();
      return new InProcessFallback(server,
          InProcessChannelBuilder.forName(name).directExecutor().build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the fallback in-process", e);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
