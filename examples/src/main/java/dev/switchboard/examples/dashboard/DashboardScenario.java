package dev.switchboard.examples.dashboard;

import dev.switchboard.examples.EmbeddedZooKeeper;
import dev.switchboard.loadbalance.Balancer;
import dev.switchboard.loadbalance.FailureAccrual;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.MetricsServer;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryBudget;
import dev.switchboard.rpc.RetryPolicy;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import io.grpc.Status;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The system the dashboard pictures are taken of, all in this process and reporting to one
 * {@link MetricsServer}: an embedded ZooKeeper, three Greeter providers registered with weights
 * 1, 2 and 3, and a consumer under {@link SteadyLoad} whose reference has what the panels are
 * about: the weighted round robin balancer with failure accrual (10 failures in a row eject,
 * twice the default, so that the burst before an ejection shows; ejections of 1 s doubling to
 * 2 s, so that a short outage shows ejection, probes and restoration), one retry of
 * {@code SayHello} on INTERNAL to another instance, a deliberately small retry budget (a retry
 * a second) so that a burst of failures shows denials, and a fixed fallback reply for the
 * {@code SayHello} calls that still fail UNAVAILABLE. {@code SayHelloStream} has no retry and no
 * fallback, so its errors reach the caller.
 *
 * <p>Thread-safe once {@link #start()} has returned; {@link #close()} shuts everything down, the
 * load and the consumer first.
 */
final class DashboardScenario implements AutoCloseable {
  static final int[] WEIGHTS = {1, 2, 3};
  /** The provider that fails for a while: the heaviest, so that its ejection shows. */
  static final int FAILING = 2;
  static final HelloReply FALLBACK = HelloReply.newBuilder().setMessage("Hello (fallback)")
      .setServedBy("fallback").build();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<DashboardGreeter> greeters = new ArrayList<>();
  private final Map<String, String> instanceNames = new LinkedHashMap<>();
  private MetricsServer metrics;
  private SteadyLoad load;

  private DashboardScenario() {}

  /** The consumer's reference to the Greeter; see the class description. */
  static ReferenceConfig reference() {
    return ReferenceConfig.builder()
        .deadline(Duration.ofSeconds(2))
        .balancer(Balancer.weightedRoundRobin()
            .failureAccrual(FailureAccrual.builder().consecutiveFailures(10)
                .ejection(Duration.ofSeconds(1), Duration.ofSeconds(2)).build())
            .build())
        .retryBudget(new RetryBudget(0.01, 1))
        .method("SayHello", MethodPolicy.builder()
            .retry(RetryPolicy.attempts(2).retryingOn(Set.of(Status.Code.INTERNAL)))
            .fallbackResponse(FALLBACK)
            .build())
        .build();
  }

  /** Starts everything and waits (bounded) until the consumer reaches every provider. */
  static DashboardScenario start() throws Exception {
    DashboardScenario scenario = new DashboardScenario();
    try {
      scenario.startAll();
      return scenario;
    } catch (Exception | Error e) {
      scenario.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
    resources.add(zk);
    metrics = MetricsServer.start("127.0.0.1", 0);
    resources.add(metrics);
    String registry = "zk://" + zk.connectString() + "/switchboard-dashboard-"
        + Instant.now().toEpochMilli();
    for (int i = 0; i < WEIGHTS.length; i++) {
      String name = "provider-" + (i + 1);
      DashboardGreeter greeter = new DashboardGreeter(name);
      resources.add(greeter);
      greeters.add(greeter);
      RpcServer server = RpcServer.builder().application("greeter").registry(registry)
          .bindAddress("127.0.0.1").weight(WEIGHTS[i]).drainPeriod(Duration.ofMillis(300))
          .shutdownGrace(Duration.ofSeconds(1)).telemetry(metrics.telemetry())
          .addService(greeter).build().start();
      resources.add(server);
      instanceNames.put(server.instance().instanceId(), name + " (weight " + WEIGHTS[i] + ")");
    }
    RpcClient client = RpcClient.builder().registry(registry).telemetry(metrics.telemetry())
        .build();
    resources.add(client);
    awaitDiscovery(client.stub(GreeterGrpc::newBlockingStub, reference()));
    load = new SteadyLoad(client.stub(GreeterGrpc::newStub, reference()));
    resources.add(load);
    load.start();
  }

  private static void awaitDiscovery(GreeterGrpc.GreeterBlockingStub greeter)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Set<String> seen = new HashSet<>();
    while (seen.size() < WEIGHTS.length) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the consumer reached only " + seen + " in 30 s");
      }
      String servedBy = greeter.sayHello(HelloRequest.newBuilder().setName("warm-up").build())
          .getServedBy();
      if (servedBy.equals(FALLBACK.getServedBy())) {
        Thread.sleep(20); // not discovered yet: the fallback answers at once
      } else {
        seen.add(servedBy);
      }
    }
  }

  /** Returns where the process's metrics are served. */
  URI metricsUri() {
    return URI.create("http://127.0.0.1:" + metrics.port() + "/metrics");
  }

  /** Returns each provider's registry instance id (the {@code switchboard_instance} label) and name. */
  Map<String, String> instanceNames() {
    return Map.copyOf(instanceNames);
  }

  /** Returns the name of the provider that {@link #failing(boolean)} switches. */
  static String failingName() {
    return "provider-" + (FAILING + 1);
  }

  /** Makes {@link #failingName()} fail every call fast with INTERNAL, or heals it. */
  void failing(boolean failing) {
    greeters.get(FAILING).failing(failing);
  }

  /** Returns the load's replies per {@code served_by}. */
  Map<String, Long> servedBy() {
    return load.servedBy();
  }

  /** Returns the calls that failed for the caller. */
  long callerErrors() {
    return load.errors();
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // shutting down: the others still have to close
      }
    }
    resources.clear();
  }
}
