package dev.switchboard.discovery.zk;

import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.TestGreeter;
import java.time.Duration;

/**
 * A Greeter provider in its own process: {@code ChildProvider <registryUri> <name>}. Prints
 * {@code SERVING <port>} once registered, then serves until killed.
 */
public final class ChildProvider {
  private ChildProvider() {}

  public static void main(String[] args) throws Exception {
    RpcServer server = RpcServer.builder()
        .application("test-app")
        .registry(args[0])
        .bindAddress("127.0.0.1")
        .shutdownHook(true)
        .drainPeriod(Duration.ofMillis(300))
        .addService(new TestGreeter(args[1]))
        .build()
        .start();
    System.out.println("SERVING " + server.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
