package dev.switchboard.examples;

import dev.switchboard.examples.quickstart.QuickStartGreeter;
import dev.switchboard.examples.tls.DemoTls;
import dev.switchboard.rpc.RpcServer;
import java.nio.file.Path;
import java.util.Set;

/**
 * A Greeter provider as its own process, registered in a real ZooKeeper; runs until stopped
 * (Ctrl-C deregisters, drains and stops it through the shutdown hook).
 *
 * <pre>
 * java -cp examples/target/switchboard-examples.jar dev.switchboard.examples.ProviderMain \
 *     --zk 127.0.0.1:2181 --name provider-1 --weight 100 [--port 0] [--host 127.0.0.1] \
 *     [--tls-dir DIR] [--metrics-port N]
 * </pre>
 */
public final class ProviderMain {
  private ProviderMain() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, Set.of("zk", "name", "weight", "port", "host", "tls-dir",
        "metrics-port"));
    String name = args.get("name", "provider");
    RpcServer.Builder builder = RpcServer.builder()
        .application("greeter")
        .registry("zk://" + args.get("zk", "127.0.0.1:2181"))
        .bindAddress(args.get("host", "127.0.0.1"))
        .port(args.getInt("port", 0, 0, 65_535))
        .weight(args.getInt("weight", 100, 1, 10_000))
        .addService(new QuickStartGreeter(name));
    String tlsDir = args.get("tls-dir", null);
    if (tlsDir != null) {
      builder.tls(DemoTls.in(Path.of(tlsDir)).serverTls());
    }
    if (args.has("metrics-port")) {
      builder.metricsPort(args.getInt("metrics-port", 0, 0, 65_535));
    }
    RpcServer server = builder.build().start();
    System.out.printf("%s serving on port %d; registered as %s. Ctrl-C to stop.%n", name,
        server.port(), server.instance().instanceId());
    server.metricsPort().ifPresent(port -> System.out.printf(
        "Metrics (Prometheus text) at http://%s:%d/metrics%n", args.get("host", "127.0.0.1"),
        port));
    server.awaitTermination();
  }
}
