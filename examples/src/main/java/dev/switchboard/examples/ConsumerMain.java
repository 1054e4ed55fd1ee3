package dev.switchboard.examples;

import dev.switchboard.examples.quickstart.GreetingConsumer;
import dev.switchboard.examples.tls.DemoTls;
import dev.switchboard.rpc.RpcClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A Greeter consumer as its own process: discovers the providers registered in a real ZooKeeper,
 * makes some calls and prints how many each provider served.
 *
 * <pre>
 * java -cp examples/target/switchboard-examples.jar dev.switchboard.examples.ConsumerMain \
 *     --zk 127.0.0.1:2181 [--calls 600] [--tls-dir DIR] [--metrics-port N]
 * </pre>
 */
public final class ConsumerMain {
  private ConsumerMain() {}

  public static void main(String[] argv) throws java.io.IOException {
    Args args = Args.parse(argv, Set.of("zk", "calls", "tls-dir", "metrics-port"));
    int calls = args.getInt("calls", 600, 1, 10_000_000);
    RpcClient.Builder builder = RpcClient.builder()
        .registry("zk://" + args.get("zk", "127.0.0.1:2181"));
    String tlsDir = args.get("tls-dir", null);
    if (tlsDir != null) {
      builder.tls(DemoTls.in(Path.of(tlsDir)).clientTls("helloworld.Greeter"));
    }
    if (args.has("metrics-port")) {
      builder.metricsPort(args.getInt("metrics-port", 0, 0, 65_535));
    }
    try (RpcClient client = builder.build()) {
      client.metricsPort().ifPresent(port -> System.out.printf(
          "Metrics (Prometheus text) at http://127.0.0.1:%d/metrics while the calls run%n",
          port));
      Map<String, Integer> servedBy = client.inject(new GreetingConsumer()).greet(calls);
      servedBy.forEach((provider, count) ->
          System.out.printf("%-16s %7d calls (%.1f%%)%n", provider, count, 100.0 * count / calls));
    }
  }
}
