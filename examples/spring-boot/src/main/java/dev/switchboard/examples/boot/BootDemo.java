package dev.switchboard.examples.boot;

import dev.switchboard.examples.Args;
import dev.switchboard.examples.EmbeddedZooKeeper;
import dev.switchboard.examples.boot.consumer.GreetingConsumerApplication;
import dev.switchboard.examples.boot.consumer.GreetingController;
import dev.switchboard.examples.boot.provider.GreeterProviderApplication;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Greeter as Spring Boot applications: a ZooKeeper (embedded unless {@code --zk host:port}
 * is given), two provider applications with weights 100 and 300, and a consumer application
 * whose {@code GET /greet} calls them; it makes {@code --calls} calls, prints the split and the
 * actuator addresses, and closes the applications (each drains first) unless {@code --stay}.
 *
 * <pre>
 * java -jar examples/spring-boot/target/switchboard-boot-demo.jar [--zk host:port] [--calls 400]
 *     [--stay]
 * </pre>
 */
public final class BootDemo {
  private static final int[] WEIGHTS = {100, 300};

  private BootDemo() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, Set.of("zk", "calls", "stay"));
    int calls = args.getInt("calls", 400, 1, 1_000_000);
    try (Demo demo = Demo.start(args.get("zk", null), 0)) {
      demo.report(demo.call(calls), System.out);
      if (args.has("stay")) {
        System.out.println("Running; Ctrl-C stops (each provider drains first).");
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close));
        new CountDownLatch(1).await();
      }
    }
  }

  /** The running applications. Not thread-safe. */
  public static final class Demo implements AutoCloseable {
    private final EmbeddedZooKeeper zookeeper;
    private final List<ConfigurableApplicationContext> providers = new ArrayList<>();
    private ConfigurableApplicationContext consumer;

    private Demo(EmbeddedZooKeeper zookeeper) {
      this.zookeeper = zookeeper;
    }

    /**
     * Starts ZooKeeper (unless {@code zk} names one), the providers and the consumer, whose web
     * server listens on {@code consumerPort} (0 for any free port).
     */
    public static Demo start(String zk, int consumerPort) throws Exception {
      EmbeddedZooKeeper embedded = zk == null ? EmbeddedZooKeeper.start() : null;
      Demo demo = new Demo(embedded);
      try {
        String registry = "--switchboard.registry.uri=zk://"
            + (zk != null ? zk : embedded.connectString()) + "/boot-demo";
        for (int i = 0; i < WEIGHTS.length; i++) {
          demo.providers.add(run(GreeterProviderApplication.class, "greeter-provider", registry,
              "--greeter.name=provider-" + (i + 1), "--switchboard.server.weight=" + WEIGHTS[i],
              "--switchboard.server.bind-address=127.0.0.1"));
        }
        demo.consumer = run(GreetingConsumerApplication.class, "greeting-consumer", registry,
            "--server.port=" + consumerPort);
        return demo;
      } catch (RuntimeException | Error e) {
        demo.close();
        throw e;
      }
    }

    private static ConfigurableApplicationContext run(Class<?> application, String config,
        String... args) {
      SpringApplication spring = new SpringApplication(application);
      spring.setDefaultProperties(Map.of("spring.config.name", config));
      return spring.run(args);
    }

    /** Makes {@code calls} calls through the consumer; returns the calls each provider answered. */
    public Map<String, Integer> call(int calls) {
      GreetingController greetings = consumer.getBean(GreetingController.class);
      Map<String, Integer> answered = new TreeMap<>();
      for (int i = 0; i < calls; i++) {
        String reply = greetings.greet("world");
        answered.merge(reply.substring(reply.lastIndexOf(' ') + 1), 1, Integer::sum);
      }
      return answered;
    }

    /** Returns the consumer's web port. */
    public int consumerPort() {
      return ((WebServerApplicationContext) consumer).getWebServer().getPort();
    }

    /** Returns the web port of provider {@code index} (0-based). */
    public int providerPort(int index) {
      return ((WebServerApplicationContext) providers.get(index)).getWebServer().getPort();
    }

    void report(Map<String, Integer> answered, PrintStream out) {
      int total = answered.values().stream().mapToInt(Integer::intValue).sum();
      int weights = java.util.Arrays.stream(WEIGHTS).sum();
      out.printf("%-12s %6s %7s %7s %9s%n", "provider", "weight", "calls", "share", "expected");
      for (int i = 0; i < WEIGHTS.length; i++) {
        String name = "provider-" + (i + 1);
        int count = answered.getOrDefault(name, 0);
        out.printf("%-12s %6d %7d %6.1f%% %8.1f%%%n", name, WEIGHTS[i], count,
            100.0 * count / total, 100.0 * WEIGHTS[i] / weights);
      }
      out.println();
      out.println("consumer:   http://127.0.0.1:" + consumerPort() + "/greet?name=you");
      out.println("            http://127.0.0.1:" + consumerPort() + "/actuator/prometheus");
      for (int i = 0; i < providers.size(); i++) {
        out.println("provider-" + (i + 1) + ": http://127.0.0.1:" + providerPort(i)
            + "/actuator/health");
      }
    }

    /** Closes the consumer, then each provider (DRAINING, drain, deregister), then ZooKeeper. */
    @Override
    public void close() {
      if (consumer != null) {
        consumer.close();
      }
      for (int i = providers.size() - 1; i >= 0; i--) {
        providers.get(i).close();
      }
      providers.clear();
      if (zookeeper != null) {
        zookeeper.close();
      }
    }
  }
}
