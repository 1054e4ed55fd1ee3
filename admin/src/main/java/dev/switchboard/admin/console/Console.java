package dev.switchboard.admin.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.admin.ExitCodes;
import dev.switchboard.admin.internal.AdminException;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.admin.internal.Views;
import dev.switchboard.discovery.zk.ZkRegistryAdmin;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import dev.switchboard.rpc.ServiceWeights;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web console: server-rendered pages over a registry on the JDK's HTTP server, live by
 * polling, with drain, enable and weight behind a confirmation step and the console token.
 *
 * <ul>
 *   <li>Bound to 127.0.0.1 unless told otherwise; requests whose {@code Host} is not this
 *       console's (a DNS-rebinding page) are refused.
 *   <li>Every response: {@code Cache-Control: no-store}, a nonce-based Content-Security-Policy,
 *       {@code X-Frame-Options: DENY}, {@code nosniff}, {@code Referrer-Policy: same-origin}.
 *   <li>Actions ({@code POST /action}) need POST, the token (form field {@code token} or header
 *       {@code X-Switchboard-Token}, compared in constant time) and a same-origin request
 *       ({@code Origin}, else {@code Referer}; a request with neither is accepted only with the
 *       token in the header, which a cross-site form cannot send). Without the token the
 *       console only reads.
 *   <li>Everything shown is escaped: registry data is hostile.
 * </ul>
 *
 * <p>Thread-safe; {@link #close()} stops it (the admin stays the caller's).
 */
public final class Console implements AutoCloseable {
  /** The header that carries the token for scripts. */
  public static final String TOKEN_HEADER = "X-Switchboard-Token";

  private static final int MAX_FORM_BYTES = 16 * 1024;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RegistrySession session;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String token;
  private final boolean readOnly;
  private final String who;
  private final Pages pages;
  private final Set<String> allowedHosts;
  private final PrintStream log;
  private final long pollMillis;
  private final String bindHost;
  private final Map<String, Pages.Flash> results = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pages.Flash> eldest) {
          return size() > 64;
        }
      });

  private Console(Builder builder) throws IOException {
    this.session = builder.session;
    this.token = builder.token != null ? builder.token : newToken();
    this.readOnly = builder.readOnly;
    this.who = builder.who;
    this.log = builder.log;
    this.pollMillis = builder.pollMillis;
    this.bindHost = builder.bind;
    this.pages = new Pages(session, new TrafficSplit(builder.metrics), readOnly);
    InetAddress address = InetAddress.getByName(builder.bind);
    this.server = HttpServer.create(new InetSocketAddress(address, builder.port), 32);
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "switchboard-console-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.allowedHosts = allowedHosts(address, server.getAddress().getPort(), builder.allowHosts);
  }

  /** Returns a builder for a console over {@code admin}, whose registry is {@code config}'s. */
  public static Builder builder(ZkRegistryAdmin admin,
      dev.switchboard.discovery.zk.ZkRegistryConfig config) {
    return new Builder(RegistrySession.of(admin, config));
  }

  /** Returns a builder over an open session (the command line's). */
  public static Builder builder(RegistrySession session) {
    return new Builder(session);
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Set<String> allowedHosts(InetAddress bind, int port, List<String> extra)
      throws IOException {
    Set<String> names = new LinkedHashSet<>(List.of("127.0.0.1", "localhost", "[::1]"));
    if (bind.isAnyLocalAddress()) {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress local : Collections.list(network.getInetAddresses())) {
          names.add(hostName(local));
        }
      }
      names.add(InetAddress.getLocalHost().getHostName());
    } else {
      names.add(hostName(bind));
    }
    names.addAll(extra);
    Set<String> hosts = new LinkedHashSet<>();
    for (String name : names) {
      hosts.add(name.toLowerCase(Locale.ROOT) + ":" + port);
    }
    return hosts;
  }

  private static String hostName(InetAddress address) {
    String text = address.getHostAddress();
    int percent = text.indexOf('%');
    if (percent >= 0) {
      text = text.substring(0, percent);
    }
    return text.contains(":") ? "[" + text + "]" : text;
  }

  /** Returns the port the console listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Returns the console's address, e.g. {@code http://127.0.0.1:8088/}. */
  public String url() {
    String host = bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
    if (server.getAddress().getAddress().isAnyLocalAddress()) {
      host = "127.0.0.1";
    }
    return "http://" + host + ":" + port() + "/";
  }

  /** Returns the token actions need. */
  public String token() {
    return token;
  }

  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- requests ----

  private void handle(HttpExchange exchange) throws IOException {
    String nonce = newNonce();
    try {
      securityHeaders(exchange.getResponseHeaders(), nonce);
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
        sendText(exchange, 421, "This console answers only to " + allowedHosts.iterator().next()
            + " (the Host header names another server).");
        return;
      }
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
      if (path.equals("/action")) {
        if (!method.equals("POST")) {
          exchange.getResponseHeaders().set("Allow", "POST");
          sendPage(exchange, nonce, new Pages.Page(405, "Method not allowed", null,
              Pages.errorBody("Actions need POST (from the confirmation page).", null)));
          return;
        }
        action(exchange, nonce, host);
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        sendText(exchange, 405, "GET only");
        return;
      }
      try {
        switch (path) {
          case "/" -> sendPage(exchange, nonce, pages.overview());
          case "/service" -> {
            String name = query.get("name");
            if (name == null || name.isBlank()) {
              sendPage(exchange, nonce, Pages.notFound("Which service? (/service?name=...)"));
            } else {
              Pages.Flash flash = query.containsKey("result") ? results.get(query.get("result"))
                  : null;
              sendPage(exchange, nonce, pages.service(name, flash));
            }
          }
          case "/registry" -> sendPage(exchange, nonce, pages.registry(actor()));
          case "/confirm" -> {
            String action = query.getOrDefault("action", "");
            String instance = query.get("instance");
            if (!Set.of("drain", "enable", "weight").contains(action) || instance == null) {
              sendPage(exchange, nonce, new Pages.Page(400, "Bad request", null,
                  Pages.errorBody("Unknown action: drain, enable or weight of an instance.",
                      null)));
            } else {
              sendPage(exchange, nonce, pages.confirm(action, instance, query.get("service"),
                  query.get("weight")));
            }
          }
          case "/api/services" -> sendJson(exchange, 200, pages.overviewJson());
          case "/api/service" -> sendJson(exchange, 200,
              pages.serviceJson(query.getOrDefault("name", "")));
          case "/api/registry" -> sendJson(exchange, 200, pages.registryJson());
          default -> sendPage(exchange, nonce, Pages.notFound("No such page."));
        }
      } catch (AdminException e) {
        if (path.startsWith("/api/")) {
          ObjectNode error = Views.object();
          error.put("error", e.getMessage());
          error.put("exitCode", e.exitCode());
          sendJson(exchange, status(e), error);
        } else {
          sendPage(exchange, nonce, new Pages.Page(status(e), "Error", null,
              Pages.errorBody(e.getMessage(), query.get("service"))));
        }
      }
    } catch (IOException e) {
      // the browser went away
    } catch (RuntimeException e) {
      try {
        sendText(exchange, 500, "internal error: " + Texts.oneLine(e.toString()));
      } catch (IOException | RuntimeException ignored) {
        // response already started
      }
    } finally {
      exchange.close();
    }
  }

  /** Who the audit records: the operator, marked as acting through the console (at most 64). */
  private String actor() {
    String name = who.length() > 54 ? who.substring(0, 54) : who;
    return name + " (console)";
  }

  private static int status(AdminException e) {
    return switch (e.exitCode()) {
      case ExitCodes.NOT_FOUND -> 404;
      case ExitCodes.PERMISSION_DENIED -> 403;
      case ExitCodes.UNREACHABLE -> 503;
      case ExitCodes.USAGE -> 400;
      default -> 500;
    };
  }

  private void action(HttpExchange exchange, String nonce, String host) throws IOException {
    Headers headers = exchange.getRequestHeaders();
    if (readOnly) {
      sendPage(exchange, nonce, new Pages.Page(403, "Read-only", null, Pages.errorBody(
          "This console is read-only (started with --read-only): actions are disabled.", null)));
      return;
    }
    String headerToken = headers.getFirst(TOKEN_HEADER);
    String origin = headers.getFirst("Origin");
    String referer = headers.getFirst("Referer");
    String self = "http://" + host;
    boolean sameOrigin = origin != null ? origin.equalsIgnoreCase(self)
        : referer != null ? referer.regionMatches(true, 0, self + "/", 0, self.length() + 1)
        : headerToken != null;
    if (!sameOrigin) {
      sendPage(exchange, nonce, new Pages.Page(403, "Refused", null, Pages.errorBody(
          "Refused: the request does not come from this console's own pages.", null)));
      return;
    }
    String contentType = headers.getFirst("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT)
        .startsWith("application/x-www-form-urlencoded")) {
      sendText(exchange, 415, "Actions take application/x-www-form-urlencoded forms.");
      return;
    }
    byte[] body = exchange.getRequestBody().readNBytes(MAX_FORM_BYTES + 1);
    if (body.length > MAX_FORM_BYTES) {
      sendText(exchange, 413, "Form too large.");
      return;
    }
    Map<String, String> form = parse(new String(body, StandardCharsets.UTF_8));
    String given = headerToken != null ? headerToken : form.get("token");
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8))) {
      logLine("refused " + form.getOrDefault("action", "?") + " of "
          + form.getOrDefault("instance", "?") + ": wrong or missing token");
      sendPage(exchange, nonce, new Pages.Page(403, "Wrong token", null, Pages.errorBody(
          "Wrong or missing console token: nothing was changed. The token was printed when the"
              + " console started.", form.get("service"))));
      return;
    }
    String action = form.getOrDefault("action", "");
    String instanceId = form.getOrDefault("instance", "");
    String service = form.get("service");
    try {
      InstanceView before = session.call(admin -> admin.instance(instanceId)).orElseThrow(() ->
          new AdminException(ExitCodes.NOT_FOUND, "No instance '" + instanceId
              + "' in the registry."));
      if (service == null || service.isBlank()) {
        service = before.service();
      }
      String message;
      switch (action) {
        case "drain" -> {
          session.call(admin -> admin.drain(instanceId, actor()));
          message = "Drained " + instanceId + ": the provider publishes DRAINING and consumers"
              + " stop sending it new calls.";
        }
        case "enable" -> {
          session.call(admin -> admin.enable(instanceId, actor()));
          message = "Enabled " + instanceId + ": the provider publishes SERVING again.";
        }
        case "weight" -> {
          Integer weight = Pages.parseWeight(form.get("weight"));
          if (weight == null) {
            throw new AdminException(ExitCodes.USAGE, "Weight '" + form.get("weight")
                + "' is not allowed: give a whole number from " + ServiceWeights.MIN + " to "
                + ServiceWeights.MAX + ".");
          }
          InstanceOverride override = session.call(admin ->
              admin.weight(instanceId, weight, actor()));
          message = "Weight of " + instanceId + " for consumers: " + before.effectiveWeight()
              + " → " + override.weight().orElse(weight) + ".";
        }
        default -> throw new AdminException(ExitCodes.USAGE, "Unknown action '" + action
            + "': drain, enable or weight.");
      }
      logLine(action + " " + instanceId + " by " + actor() + (action.equals("weight")
          ? " to " + form.get("weight") : ""));
      String id = newNonce();
      results.put(id, new Pages.Flash(true, message));
      exchange.getResponseHeaders().set("Location", "/service?name=" + Html.query(service)
          + "&result=" + id);
      exchange.sendResponseHeaders(303, -1);
    } catch (AdminException e) {
      logLine(action + " " + instanceId + " failed: " + e.getMessage());
      sendPage(exchange, nonce, new Pages.Page(status(e), "Not done", null,
          Pages.errorBody("Not done: " + e.getMessage(), service)));
    }
  }

  private void logLine(String line) {
    if (log != null) {
      log.println(LocalTime.now().format(TIME) + "  " + Texts.oneLine(line));
    }
  }

  private static Map<String, String> parse(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      try {
        String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals),
            StandardCharsets.UTF_8);
        String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1),
            StandardCharsets.UTF_8);
        values.putIfAbsent(key, value);
      } catch (IllegalArgumentException e) {
        // a malformed escape: skip the pair
      }
    }
    return values;
  }

  private static String newNonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void securityHeaders(Headers headers, String nonce) {
    headers.set("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0");
    headers.set("Pragma", "no-cache");
    headers.set("Expires", "0");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "same-origin");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
    headers.set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce
        + "'; style-src 'nonce-" + nonce + "'; connect-src 'self'; img-src 'self';"
        + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  }

  private void sendPage(HttpExchange exchange, String nonce, Pages.Page page)
      throws IOException {
    StringBuilder html = new StringBuilder(page.body().length() + 8_192);
    html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"referrer\" content=\"same-origin\"><title>")
        .append(Html.text(page.title())).append(" · Switchboard</title><style nonce=\"")
        .append(nonce).append("\">").append(Assets.CSS).append("</style></head><body");
    if (page.pollUrl() != null) {
      html.append(" data-poll=\"").append(Html.text(page.pollUrl())).append("\" data-interval=\"")
          .append(pollMillis).append('"');
    }
    html.append("><header class=\"top\"><a class=\"brand\" href=\"/\">Switchboard</a><nav>"
        + "<a href=\"/\">Services</a><a href=\"/registry\">Registry</a></nav>"
        + "<span class=\"reg\">").append(Html.text(session.redactedUri()))
        .append("</span><span class=\"live\" id=\"live\">")
        .append(page.pollUrl() == null ? "static" : "live").append("</span></header>");
    if (readOnly) {
      html.append("<div class=\"mode ro\" id=\"mode\">Read-only console (started with"
          + " --read-only): drain, enable and weight are disabled.</div>");
    } else {
      html.append("<div class=\"mode ro\" id=\"mode\">Read-only without the console token:"
          + " drain, enable and weight ask for it (it was printed once when the console"
          + " started) and are recorded as ").append(Html.text(actor())).append(".</div>");
    }
    html.append("<main>").append(page.body()).append("</main><footer>Switchboard console ·"
        + " registry data is shown as read, escaped · pages refresh every ")
        .append(pollMillis / 1000.0).append(" s</footer><script nonce=\"").append(nonce)
        .append("\">").append(Assets.SCRIPT).append("</script></body></html>");
    send(exchange, page.status(), "text/html; charset=utf-8",
        html.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void sendJson(HttpExchange exchange, int status, Object json)
      throws IOException {
    send(exchange, status, "application/json; charset=utf-8",
        Views.compact(json).getBytes(StandardCharsets.UTF_8));
  }

  private static void sendText(HttpExchange exchange, int status, String text)
      throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Configures a {@link Console}. Not thread-safe. */
  public static final class Builder {
    private final RegistrySession session;
    private String bind = "127.0.0.1";
    private int port = 8088;
    private String token;
    private boolean readOnly;
    private String who = "unknown";
    private final List<URI> metrics = new ArrayList<>();
    private final List<String> allowHosts = new ArrayList<>();
    private PrintStream log;
    private long pollMillis = 2_000;

    private Builder(RegistrySession session) {
      this.session = requireNonNull(session, "session");
    }

    /** The address to listen on; 127.0.0.1 by default. */
    public Builder bind(String bind) {
      this.bind = requireNonNull(bind, "bind");
      return this;
    }

    /** The port; 8088 by default, 0 for any free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port " + port + " is out of range (allowed: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /** The token actions need; a random one by default (see {@link Console#token()}). */
    public Builder token(String token) {
      if (token != null && token.length() < 8) {
        throw new IllegalArgumentException("the console token must have at least 8 characters");
      }
      this.token = token;
      return this;
    }

    /** No actions at all, token or not. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /** Who the audit records for the console's actions (with " (console)" appended). */
    public Builder who(String who) {
      this.who = requireNonNull(who, "who");
      return this;
    }

    /** A Prometheus endpoint to read the observed traffic split from. */
    public Builder metrics(URI target) {
      String scheme = target.getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))
          || target.getHost() == null) {
        throw new IllegalArgumentException("metrics target '" + target
            + "' is not an http(s) URL, e.g. http://127.0.0.1:9464/metrics");
      }
      metrics.add(target);
      return this;
    }

    /** Another name the console may be reached by (a Host header it accepts). */
    public Builder allowHost(String host) {
      allowHosts.add(requireNonNull(host, "host"));
      return this;
    }

    /** Where actions are logged (one line each); nowhere by default. */
    public Builder log(PrintStream log) {
      this.log = log;
      return this;
    }

    /** How often pages poll; 2 s by default. */
    public Builder pollInterval(java.time.Duration interval) {
      this.pollMillis = Math.max(200, interval.toMillis());
      return this;
    }

    /** Binds and starts serving. */
    public Console start() throws IOException {
      return new Console(this);
    }
  }
}
