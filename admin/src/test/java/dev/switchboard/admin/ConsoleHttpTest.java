package dev.switchboard.admin;

import static dev.switchboard.admin.Fixture.SERVICE;
import static dev.switchboard.admin.Fixture.id;
import static dev.switchboard.admin.Fixture.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.admin.console.Console;
import dev.switchboard.discovery.zk.ZkRegistryAdmin;
import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestGreeter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console over HTTP, without a browser: the headers every response carries, the Host check,
 * and the rules an action must pass (POST, token, same origin), read-only mode, escaping.
 */
@Timeout(60)
class ConsoleHttpTest {
  private static final String TOKEN = "http-test-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Closer closer = new Closer();
  private static TestingServer zookeeper;
  private static ZkRegistryAdmin admin;
  private static Console console;
  private static Console readOnly;
  private static RpcServer plain;
  private static RpcServer hostile;

  @BeforeAll
  static void start() throws Exception {
    zookeeper = closer.register(new TestingServer(true));
    String registry = Fixture.registry(zookeeper.getConnectString(), "http");
    plain = closer.register(provider(registry, new TestGreeter("plain"), 2, "az-1"));
    hostile = closer.register(provider(registry, new Fixture.HostileGreeter("hostile"), 3,
        "<b>zone</b>"));
    ZkRegistryConfig config = ZkRegistryConfig.fromUri(URI.create(registry
        + "?snapshotDir=none"));
    admin = closer.register(ZkRegistryAdmin.open(config));
    console = closer.register(Console.builder(admin, config).port(0).token(TOKEN).who("tester")
        .start());
    readOnly = closer.register(Console.builder(admin, config).port(0).readOnly(true).start());
  }

  @AfterAll
  static void stop() throws Exception {
    closer.close();
  }

  private static HttpResponse<String> get(Console target, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(target.url()).resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(Console target, String form, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url())
        .resolve("/action")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String origin(Console target) {
    return "http://127.0.0.1:" + target.port();
  }

  private static String drainForm(String token) {
    return "action=drain&instance=" + id(plain) + "&service=" + SERVICE
        + (token == null ? "" : "&token=" + token);
  }

  private static String state(String instanceId) {
    return admin.instance(instanceId).map(view -> String.valueOf(view.state())).orElse("GONE");
  }

  @Test
  void everyResponseIsUncachedFramedNowhereAndUnderAStrictPolicy() throws Exception {
    for (String path : new String[] {"/", "/service?name=" + SERVICE, "/registry",
        "/api/services", "/api/service?name=" + SERVICE, "/api/registry", "/nope"}) {
      HttpResponse<String> response = get(console, path);
      assertThat(response.headers().firstValue("Cache-Control")).as(path)
          .hasValueSatisfying(value -> assertThat(value).contains("no-store", "no-cache"));
      assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(response.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(value -> assertThat(value).contains("default-src 'none'",
              "script-src 'nonce-", "frame-ancestors 'none'"));
    }
    HttpResponse<String> overview = get(console, "/");
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.body()).contains("Read-only without the console token", SERVICE)
        .doesNotContain(TOKEN);
  }

  @Test
  void aForeignHostHeaderIsRefused() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", console.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/services HTTP/1.1\r\nHost: attacker.example:" + console.port()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertThat(status).contains(" 421");
    }
    assertThat(get(console, "/api/services").statusCode()).isEqualTo(200);
  }

  @Test
  void actionsNeedPostTheTokenAndTheSameOrigin() throws Exception {
    assertThat(get(console, "/action?" + drainForm(TOKEN)).statusCode()).isEqualTo(405);
    assertThat(post(console, drainForm(null), "Origin", origin(console)).statusCode())
        .isEqualTo(403);
    assertThat(post(console, drainForm("wrong-token-xxxxxxxx"), "Origin", origin(console))
        .statusCode()).isEqualTo(403);
    assertThat(post(console, drainForm(TOKEN), "Origin", "http://attacker.example")
        .statusCode()).isEqualTo(403);
    assertThat(post(console, drainForm(TOKEN), "Referer", "http://attacker.example/x")
        .statusCode()).isEqualTo(403);
    assertThat(post(console, drainForm(TOKEN)).statusCode()).as("no Origin, no Referer, token"
        + " in the form (a cross-site form could send that)").isEqualTo(403);
    assertThat(state(id(plain))).isEqualTo("SERVING");
    assertThat(admin.instance(id(plain)).get().override()).isEmpty();

    HttpResponse<String> done = post(console, drainForm(TOKEN), "Origin", origin(console));
    assertThat(done.statusCode()).isEqualTo(303);
    String location = done.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/service?name=" + SERVICE + "&result=");
    await().atMost(Duration.ofSeconds(10)).until(() -> state(id(plain)).equals("DRAINING"));
    assertThat(get(console, location).body()).contains("Drained " + id(plain));

    // a script: the token in the header, no browser headers at all
    HttpResponse<String> scripted = post(console, "action=enable&instance=" + id(plain),
        Console.TOKEN_HEADER, TOKEN);
    assertThat(scripted.statusCode()).isEqualTo(303);
    await().atMost(Duration.ofSeconds(10)).until(() -> state(id(plain)).equals("SERVING"));
    assertThat(admin.instance(id(plain)).get().override().get().history())
        .allSatisfy(change -> assertThat(change.who()).isEqualTo("tester (console)"));
  }

  @Test
  void weightsAreCheckedAndPreviewedBeforeTheyAreApplied() throws Exception {
    assertThat(get(console, "/confirm?action=weight&instance=" + id(plain) + "&weight=0")
        .statusCode()).isEqualTo(400);
    assertThat(get(console, "/confirm?action=weight&instance=" + id(plain) + "&weight=abc")
        .statusCode()).isEqualTo(400);
    HttpResponse<String> preview = get(console, "/confirm?action=weight&instance=" + id(plain)
        + "&weight=3&service=" + SERVICE);
    assertThat(preview.statusCode()).isEqualTo(200);
    // 2:3 now (40 % / 60 %), 3:3 after (50 % / 50 %)
    assertThat(preview.body()).contains("Preview (dry run)", "2 → 3", "40.0%", "60.0%", "50.0%",
        "name=\"token\"");
    assertThat(admin.instance(id(plain)).get().effectiveWeight()).isEqualTo(2);
    assertThat(post(console, "action=weight&instance=" + id(plain) + "&weight=10001&token="
        + TOKEN, "Origin", origin(console)).statusCode()).isEqualTo(400);
    assertThat(get(console, "/confirm?action=drain&instance=nobody").statusCode())
        .isEqualTo(404);
  }

  @Test
  void aReadOnlyConsoleRefusesActionsAndSaysSo() throws Exception {
    HttpResponse<String> page = get(readOnly, "/service?name=" + SERVICE);
    assertThat(page.body()).contains("Read-only console (started with --read-only)")
        .doesNotContain(">Drain<");
    assertThat(post(readOnly, drainForm(readOnly.token()), "Origin", origin(readOnly))
        .statusCode()).isEqualTo(403);
    assertThat(admin.instance(id(plain)).get().state()).isEqualTo(InstanceState.SERVING);
  }

  @Test
  void registryDataIsEscaped() throws Exception {
    String page = get(console, "/service?name=" + SERVICE).body();
    assertThat(page).contains("note=&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;"
        + "&lt;script&gt;window.pwned=1&lt;/script&gt;", "&lt;b&gt;zone&lt;/b&gt;")
        .doesNotContain("<img src=x", "<script>window", "<b>zone</b>");

    JsonNode json = JSON.readTree(get(console, "/api/service?name=" + SERVICE).body());
    assertThat(json.get("instances")).hasSize(2);
    JsonNode bad = null;
    for (JsonNode instance : json.get("instances")) {
      if (instance.get("instanceId").asText().equals(id(hostile))) {
        bad = instance;
      }
    }
    assertThat(bad).isNotNull();
    assertThat(bad.get("metadata").get("note").asText()).startsWith("<img src=x");
    assertThat(bad.get("zone").asText()).isEqualTo("<b>zone</b>");
    assertThat(get(console, "/registry").body()).contains("Session", "connected", "Doctor");
  }
}
