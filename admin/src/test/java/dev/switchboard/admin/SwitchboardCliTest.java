package dev.switchboard.admin;

import static dev.switchboard.admin.Fixture.SERVICE;
import static dev.switchboard.admin.Fixture.id;
import static dev.switchboard.admin.Fixture.provider;
import static dev.switchboard.admin.Fixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestGreeter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every subcommand of {@code switchboard} against an embedded ZooKeeper with live Greeter
 * providers: what it prints, its {@code --json}, its exit codes, and that its writes take effect.
 */
@Timeout(60)
class SwitchboardCliTest {
  private static final String[] SUBCOMMANDS = {"services", "instances", "describe", "drain",
      "enable", "weight", "watch", "doctor", "console"};
  private static TestingServer zookeeper;
  private static final Closer shared = new Closer();
  private static String registry;
  private static List<RpcServer> providers;

  private final Closer closer = new Closer();

  @BeforeAll
  static void startRegistryAndProviders() throws Exception {
    zookeeper = new TestingServer(true);
    registry = Fixture.registry(zookeeper.getConnectString(), "cli");
    providers = new ArrayList<>();
    String[] zones = {"az-1", "az-2", "az-2"};
    for (int i = 0; i < 3; i++) {
      providers.add(shared.register(provider(registry, new TestGreeter("p" + (i + 1)), i + 1,
          zones[i])));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    shared.close();
    zookeeper.close();
  }

  @AfterEach
  void closeTestResources() throws Exception {
    closer.close();
  }

  private static Fixture.Result sb(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--registry";
    all[1] = registry;
    System.arraycopy(args, 0, all, 2, args.length);
    return run(all);
  }

  private static Fixture.Result on(String uri, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--registry";
    all[1] = uri;
    System.arraycopy(args, 0, all, 2, args.length);
    return run(all);
  }

  @Test
  void servicesListsTheServiceWithItsApplicationAndCounts() {
    Fixture.Result text = sb("services").succeeds();
    assertThat(text.out()).contains("SERVICE", "APPLICATIONS", "SERVING", "DRAINING", "INVALID",
        "LAST CHANGE");
    assertThat(text.out().lines().filter(line -> line.startsWith(SERVICE)).findFirst())
        .hasValueSatisfying(line -> assertThat(line.split("\\s+"))
            .startsWith(SERVICE, "greeter", "3", "0", "0"));
    assertThat(text.out()).doesNotContain("\u001b["); // not a terminal: no colours

    JsonNode json = sb("services", "--json").succeeds().json();
    assertThat(json.get("registry").asText()).isEqualTo(registry);
    JsonNode service = json.get("services").get(0);
    assertThat(service.get("service").asText()).isEqualTo(SERVICE);
    assertThat(service.get("applications").get(0).asText()).isEqualTo("greeter");
    assertThat(service.get("serving").asInt()).isEqualTo(3);
    assertThat(service.get("draining").asInt()).isZero();
    assertThat(service.get("invalid").asInt()).isZero();
    assertThat(service.get("instances").asInt()).isEqualTo(3);
    assertThat(service.get("lastChange").asText()).isNotBlank();
  }

  @Test
  void instancesShowsEveryInstanceWithWeightsZonesVersionStateAgeAndTls() {
    Fixture.Result text = sb("instances", SERVICE).succeeds();
    assertThat(text.out()).contains("INSTANCE", "ADDRESS", "WEIGHT", "OVERRIDE", "EFFECTIVE",
        "SHARE", "ZONE", "VERSION", "STATE", "AGE", "TLS");
    for (int i = 0; i < providers.size(); i++) {
      RpcServer server = providers.get(i);
      String line = text.out().lines().filter(l -> l.startsWith(id(server))).findFirst()
          .orElseThrow();
      assertThat(line.split("\\s+")).containsSubsequence(id(server), "greeter",
          "127.0.0.1:" + server.port(), String.valueOf(i + 1), "-", String.valueOf(i + 1));
      assertThat(line).contains(i == 0 ? "az-1" : "az-2", "1.0.0", "SERVING", " no");
    }
    assertThat(text.out()).contains("16.7%", "33.3%", "50.0%");

    JsonNode json = sb("instances", SERVICE, "--json").succeeds().json();
    assertThat(json.get("service").asText()).isEqualTo(SERVICE);
    Map<String, JsonNode> byId = new HashMap<>();
    json.get("instances").forEach(node -> byId.put(node.get("instanceId").asText(), node));
    assertThat(byId).hasSize(3);
    double shares = 0;
    for (int i = 0; i < providers.size(); i++) {
      JsonNode node = byId.get(id(providers.get(i)));
      assertThat(node.get("application").asText()).isEqualTo("greeter");
      assertThat(node.get("host").asText()).isEqualTo("127.0.0.1");
      assertThat(node.get("port").asInt()).isEqualTo(providers.get(i).port());
      assertThat(node.get("weight").asInt()).isEqualTo(i + 1);
      assertThat(node.get("effectiveWeight").asInt()).isEqualTo(i + 1);
      assertThat(node.get("zone").asText()).isEqualTo(i == 0 ? "az-1" : "az-2");
      assertThat(node.get("version").asText()).isEqualTo("1.0.0");
      assertThat(node.get("state").asText()).isEqualTo("SERVING");
      assertThat(node.get("valid").asBoolean()).isTrue();
      assertThat(node.get("tls").asBoolean()).isFalse();
      assertThat(node.get("ageSeconds").asLong()).isGreaterThanOrEqualTo(0);
      assertThat(node.get("override").isNull()).isTrue();
      assertThat(node.get("metadata").get("purpose").asText()).isEqualTo("test");
      shares += node.get("share").asDouble();
    }
    assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void describeShowsOneInstance() {
    RpcServer server = providers.get(1);
    Fixture.Result text = sb("describe", id(server)).succeeds();
    assertThat(text.out()).contains("instance:", id(server), "application: greeter",
        "address:     127.0.0.1:" + server.port(), "state:       SERVING",
        "weight:      2 published, 2 effective", "zone:        az-2", "version:     1.0.0",
        "tls:         no", "metadata:    purpose=test", "history:     -");

    JsonNode json = sb("describe", id(server), "--json").succeeds().json().get("instance");
    assertThat(json.get("instanceId").asText()).isEqualTo(id(server));
    assertThat(json.get("service").asText()).isEqualTo(SERVICE);
    assertThat(json.get("port").asInt()).isEqualTo(server.port());
  }

  @Test
  void drainAndEnableTakeEffectAndAreAudited() throws Exception {
    String own = Fixture.registry(zookeeper.getConnectString(), "drain");
    RpcServer target = closer.register(provider(own, new TestGreeter("a"), 1, "az-1"));
    closer.register(provider(own, new TestGreeter("b"), 1, "az-1"));

    Fixture.Result drained = on(own, "--as", "alice", "drain", id(target), "--wait").succeeds();
    assertThat(drained.out()).contains("Drained " + id(target), "as alice",
        id(target) + " is DRAINING");
    assertThat(on(own, "drain", id(target)).succeeds().out())
        .contains(id(target) + " was already drained by an override: nothing written.");
    JsonNode view = instance(own, id(target));
    assertThat(view.get("state").asText()).isEqualTo("DRAINING");
    assertThat(view.get("publishedState").asText()).isEqualTo("DRAINING");
    assertThat(view.get("override").get("drain").asBoolean()).isTrue();
    JsonNode history = view.get("override").get("history");
    assertThat(history.get(history.size() - 1).get("who").asText()).isEqualTo("alice");
    assertThat(on(own, "services", "--json").succeeds().json().get("services").get(0)
        .get("draining").asInt()).isEqualTo(1);

    Fixture.Result enabled = on(own, "enable", id(target), "--wait=10s", "--json",
        "--as", "bob").succeeds(); // the global options work after the command too
    JsonNode result = enabled.json();
    assertThat(result.get("action").asText()).isEqualTo("enable");
    assertThat(result.get("who").asText()).isEqualTo("bob");
    assertThat(result.get("reached").asBoolean()).isTrue();
    assertThat(result.get("stateAfter").asText()).isEqualTo("SERVING");
    view = instance(own, id(target));
    assertThat(view.get("state").asText()).isEqualTo("SERVING");
    assertThat(view.get("override").get("drain").asBoolean()).isFalse();
    history = view.get("override").get("history");
    assertThat(history.get(history.size() - 1).get("who").asText()).isEqualTo("bob");
  }

  private static JsonNode instance(String uri, String instanceId) {
    return on(uri, "describe", instanceId, "--json").succeeds().json().get("instance");
  }

  @Test
  void weightDryRunPrintsTheSplitAndWritesNothing() {
    RpcServer first = providers.get(0);
    Fixture.Result text = sb("weight", id(first), "6", "--dry-run").succeeds();
    assertThat(text.out()).contains("Dry run, nothing written", "1 → 6", "SHARE NOW",
        "SHARE AFTER");
    // 1:2:3 now; 6:2:3 after
    assertThat(text.out().lines().filter(line -> line.startsWith("* " + id(first))).findFirst()
        .get())
        .contains("16.7%", "54.5%");

    JsonNode json = sb("weight", id(first), "6", "--dry-run", "--json").succeeds().json();
    assertThat(json.get("dryRun").asBoolean()).isTrue();
    assertThat(json.get("oldWeight").asInt()).isEqualTo(1);
    assertThat(json.get("newWeight").asInt()).isEqualTo(6);
    double after = 0;
    for (JsonNode entry : json.get("split")) {
      after += entry.get("shareAfter").asDouble();
      if (entry.get("instanceId").asText().equals(id(first))) {
        assertThat(entry.get("shareAfter").asDouble()).isCloseTo(6 / 11.0,
            org.assertj.core.data.Offset.offset(1e-6));
      }
    }
    assertThat(after).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(instance(registry, id(first)).get("effectiveWeight").asInt()).isEqualTo(1);
    assertThat(instance(registry, id(first)).get("override").isNull()).isTrue();
  }

  @Test
  void weightAppliesTheOverrideAndAConsumerFollowsIt() throws Exception {
    String own = Fixture.registry(zookeeper.getConnectString(), "weight");
    RpcServer light = closer.register(provider(own, new TestGreeter("light"), 1, "az-1"));
    closer.register(provider(own, new TestGreeter("heavy"), 1, "az-1"));

    Fixture.Result applied = on(own, "--as", "carol", "weight", id(light), "30").succeeds();
    assertThat(applied.out()).contains("Weight of " + id(light) + " for consumers: 1 → 30",
        "published 1");
    JsonNode view = instance(own, id(light));
    assertThat(view.get("weight").asInt()).isEqualTo(1);
    assertThat(view.get("effectiveWeight").asInt()).isEqualTo(30);
    assertThat(view.get("override").get("weight").asInt()).isEqualTo(30);

    // light check of the consumer side: its balancer now sends most calls to "light"
    RpcClient client = closer.register(RpcClient.builder().registry(own).build());
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      int toLight = 0;
      for (int i = 0; i < 31; i++) {
        if (greeter.withDeadlineAfter(5, TimeUnit.SECONDS)
            .sayHello(HelloRequest.newBuilder().setName("x").build()).getServedBy()
            .equals("light")) {
          toLight++;
        }
      }
      assertThat(toLight).isGreaterThanOrEqualTo(25);
    });

    Fixture.Result reset = on(own, "weight", id(light), "--reset", "--json").succeeds();
    assertThat(reset.json().get("newWeight").asInt()).isEqualTo(1);
    assertThat(instance(own, id(light)).get("effectiveWeight").asInt()).isEqualTo(1);
  }

  @Test
  void watchPrintsTheInstancesThenTheirChanges() throws Exception {
    Fixture.Result first = sb("watch", SERVICE, "--count", "1").succeeds();
    assertThat(first.out()).contains("Watching " + SERVICE, "3 instances: 3 serving");
    for (RpcServer server : providers) {
      assertThat(first.out()).contains("= " + id(server) + "  127.0.0.1:" + server.port()
          + "  SERVING");
    }

    String own = Fixture.registry(zookeeper.getConnectString(), "watch");
    RpcServer target = closer.register(provider(own, new TestGreeter("w"), 5, "az-1"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> watching = CompletableFuture.supplyAsync(() -> Switchboard.run(
        print, print, "--registry", own, "watch", SERVICE, "--json", "--count", "2",
        "--duration", "20s"));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> out.toString(StandardCharsets.UTF_8).contains("\"update\":1"));
    on(own, "weight", id(target), "7").succeeds();
    assertThat(watching.get(30, TimeUnit.SECONDS)).isZero();
    Fixture.Result watched = new Fixture.Result(0, out.toString(StandardCharsets.UTF_8), "");
    List<JsonNode> updates = watched.jsonLines();
    assertThat(updates).hasSize(2);
    assertThat(updates.get(0).get("instances").get(0).get("effectiveWeight").asInt())
        .isEqualTo(5);
    assertThat(updates.get(1).get("instances").get(0).get("effectiveWeight").asInt())
        .isEqualTo(7);
    assertThat(updates.get(1).get("service").asText()).isEqualTo(SERVICE);
  }

  @Test
  void doctorReportsAnInvalidNodeAndItsReason() throws Exception {
    String own = Fixture.registry(zookeeper.getConnectString(), "doctor");
    closer.register(provider(own, new TestGreeter("d"), 1, "az-1"));
    Fixture.Result clean = on(own, "doctor", "--json");
    assertThat(clean.json().get("errors").asInt()).isZero();
    assertThat(clean.exit()).isZero();

    CuratorFramework curator = closer.register(CuratorFrameworkFactory.newClient(
        zookeeper.getConnectString(), new RetryOneTime(100)));
    curator.start();
    String root = URI.create(own).getPath();
    curator.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
        .forPath(root + "/v1/apps/greeter/instances/bad-node",
            "{not json".getBytes(StandardCharsets.UTF_8));

    Fixture.Result json = on(own, "doctor", "--json");
    List<JsonNode> findings = new ArrayList<>();
    json.json().get("findings").forEach(findings::add);
    assertThat(findings).anySatisfy(finding ->
        assertThat(finding.get("path").asText()).contains("bad-node"));
    int errors = json.json().get("errors").asInt();
    assertThat(json.exit()).isEqualTo(errors > 0 ? 1 : 0);

    Fixture.Result text = on(own, "doctor");
    assertThat(text.exit()).isEqualTo(json.exit());
    assertThat(text.out()).contains("SEVERITY", "bad-node");
  }

  @Test
  void badInputGetsOneLineAndItsExitCode() throws Exception {
    RpcServer server = providers.get(0);
    Fixture.Result unknown = sb("describe", "no-such-instance").failsWith(4);
    assertThat(unknown.err()).contains("no instance 'no-such-instance'");
    assertThat(unknown.out()).isEmpty();
    sb("drain", "no-such-instance").failsWith(4);
    sb("instances", "no.such.Service").failsWith(4);
    assertThat(sb("weight", id(server), "0").failsWith(4).err())
        .contains("weight 0 is out of range (allowed: 1..10000)");
    sb("weight", id(server), "10001").failsWith(4);
    sb("weight", id(server), "10001", "--dry-run").failsWith(4);
    sb("weight", id(server), "heavy").failsWith(2);
    sb("weight", id(server)).failsWith(2);
    sb("frobnicate").failsWith(2);
    sb("services", "--jsn").failsWith(2);
    run("services").failsWith(2); // no registry
    run().failsWith(2);
    on("http://127.0.0.1:2181", "services").failsWith(2);
    assertThat(instance(registry, id(server)).get("effectiveWeight").asInt()).isEqualTo(1);
  }

  @Test
  // Bounded time: the 1 s and the default 3 s connection timeouts, with room for start-up; a
  // hang fails the test instead of waiting for the class's timeout.
  @Timeout(20)
  void anUnreachableRegistryFailsInBoundedTimeWithExitCode3() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Fixture.Result result = on("zk://127.0.0.1:" + port, "--connect-timeout", "1s", "services")
        .failsWith(3);
    assertThat(result.err()).contains("unreachable", "1s");
    // the default timeout (3 s) too
    Fixture.Result byDefault = on("zk://127.0.0.1:" + port, "instances", SERVICE).failsWith(3);
    assertThat(byDefault.err()).contains("unreachable");
  }

  @Test
  void thePasswordIsNeverPrinted() {
    String withPassword = "zk://ops:Sup3rSecretPw@" + registry.substring("zk://".length());
    Fixture.Result json = on(withPassword, "services", "--json").succeeds();
    assertThat(json.out() + json.err()).doesNotContain("Sup3rSecretPw");
    assertThat(json.json().get("registry").asText()).startsWith("zk://***@");
    Fixture.Result missing = on(withPassword, "describe", "nope").failsWith(4);
    assertThat(missing.err()).doesNotContain("Sup3rSecretPw").contains("***@");
    Fixture.Result badUri = on("zk://ops:Sup3rSecretPw@127.0.0.1:1?bogus=x", "services")
        .failsWith(2);
    assertThat(badUri.err()).doesNotContain("Sup3rSecretPw");
    int port = 1;
    Fixture.Result down = on("zk://ops:Sup3rSecretPw@127.0.0.1:" + port, "--connect-timeout",
        "500ms", "services").failsWith(3);
    assertThat(down.err()).doesNotContain("Sup3rSecretPw");
  }

  @Test
  void anUnauthorisedWriterIsRefusedWithExitCode5() throws Exception {
    String own = Fixture.registry(zookeeper.getConnectString(), "acl");
    RpcServer target = closer.register(provider(own, new TestGreeter("acl"), 1, "az-1"));
    String address = own.substring("zk://".length());
    String operator = "zk://ops:opsecret@" + address;
    on(operator, "drain", id(target)).succeeds();

    Fixture.Result intruder = on("zk://intruder:guess@" + address, "enable", id(target))
        .failsWith(5);
    assertThat(intruder.err()).contains("permission denied").doesNotContain("guess");
    on(own, "weight", id(target), "9").failsWith(5); // anonymous
    JsonNode view = instance(own, id(target));
    assertThat(view.get("override").get("drain").asBoolean()).isTrue();
    assertThat(view.get("effectiveWeight").asInt()).isEqualTo(1);
    on(operator, "enable", id(target)).succeeds();
  }

  @Test
  void everySubcommandHasHelp() {
    for (String command : SUBCOMMANDS) {
      Fixture.Result help = run(command, "--help").succeeds();
      assertThat(help.out()).as(command).contains("Usage: switchboard " + command);
    }
    Fixture.Result top = run("--help").succeeds();
    assertThat(top.out()).contains("Exit codes:", "services", "console", "--registry",
        "--connect-timeout", "--as");
  }

  @Test
  void consoleServesTheOverviewAndPrintsItsTokenOnce() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> console = CompletableFuture.supplyAsync(() -> Switchboard.run(
        print, print, "--registry", registry, "console", "--port", "0", "--run-for", "5s"));
    Pattern url = Pattern.compile("console at (http://127\\.0\\.0\\.1:\\d+/)");
    String base = await().atMost(Duration.ofSeconds(10)).until(() -> {
      Matcher matcher = url.matcher(out.toString(StandardCharsets.UTF_8));
      return matcher.find() ? matcher.group(1) : null;
    }, value -> value != null);
    String printed = out.toString(StandardCharsets.UTF_8);
    Matcher token = Pattern.compile("Console token \\(actions ask for it; shown only now\\):"
        + " (\\S+)").matcher(printed);
    assertThat(token.find()).as(printed).isTrue();
    HttpResponse<String> page = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains(SERVICE).doesNotContain(token.group(1));
    assertThat(page.headers().firstValue("Cache-Control")).hasValueSatisfying(value ->
        assertThat(value).contains("no-store"));
    assertThat(console.get(30, TimeUnit.SECONDS)).isZero();
  }
}
