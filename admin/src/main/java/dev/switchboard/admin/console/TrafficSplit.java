package dev.switchboard.admin.console;

import dev.switchboard.admin.internal.Texts;
import dev.switchboard.rpc.PrometheusText;
import dev.switchboard.rpc.registry.RegistryUris;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The traffic split as the processes' own Prometheus endpoints report it: the consumers'
 * {@code switchboard_lb_picks_total} per instance (the balancers' picks), or, from a provider's
 * endpoint that serves exactly one registered instance, the calls it started
 * ({@code grpc_server_call_started_total}) for the service's methods. Totals since the
 * processes started, and the split of the last six seconds or so from the difference between scrapes.
 *
 * <p>The targets are the operator's ({@code --metrics URL}); registry data never chooses what
 * the console fetches. Scrapes are bounded (2 s, 4 MiB) and cached for a second. Thread-safe.
 */
final class TrafficSplit {
  private static final String PICKS = "switchboard_lb_picks_total";
  private static final String SERVER_CALLS = "grpc_server_call_started_total";
  private static final String SESSION = "switchboard_registry_session";
  private static final String REREGISTRATIONS = "switchboard_registry_reregistrations_total";
  private static final String INVALID = "switchboard_registry_invalid_nodes_skipped_total";
  private static final String INSTANCES = "switchboard_registry_instances";
  private static final String LAST_KNOWN_GOOD = "switchboard_registry_last_known_good";
  private static final String HOLDS = "switchboard_registry_mass_drop_holds_total";
  private static final String SNAPSHOT = "switchboard_registry_snapshot_in_use";
  private static final Set<String> NAMES = Set.of(PICKS, SERVER_CALLS, SESSION,
      REREGISTRATIONS, INVALID);
  private static final Set<String> REGISTRY_NAMES = Set.of(SESSION, REREGISTRATIONS, INVALID,
      INSTANCES, LAST_KNOWN_GOOD, HOLDS, SNAPSHOT);
  private static final int MAX_BYTES = 4 << 20;
  private static final long CACHE_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long RECENT_WINDOW_NANOS = Duration.ofSeconds(6).toNanos();

  /** How one target answered. */
  record TargetStatus(URI target, boolean ok, String detail) {}

  /**
   * The split of one service.
   *
   * @param totals calls (picks) per instance id since the processes started
   * @param recent the same over the last {@code recentSeconds}, empty before a second scrape
   * @param source what the figures count
   */
  record Split(Map<String, Double> totals, Map<String, Double> recent, double recentSeconds,
      String source, List<TargetStatus> targets) {
    boolean available() {
      return !totals.isEmpty();
    }
  }

  private record Scrape(long atNanos, String body, TargetStatus status) {}

  /** One process's registry client as its metrics report it. */
  record ProcessHealth(URI target, String role, String instance, String session,
      long reRegistrations, long invalidNodesSkipped, Map<String, ServiceHold> services) {
    String key() {
      return RegistryUris.redact(target) + " " + role + (instance.isEmpty() ? "" : " " + instance);
    }
  }

  /** One watched service of a process. */
  record ServiceHold(long instances, boolean lastKnownGood, long massDropHolds,
      boolean snapshotInUse) {}

  /** Returns the registry health each target reports ({@code switchboard_registry_*}). */
  List<ProcessHealth> registryHealth() {
    List<ProcessHealth> processes = new ArrayList<>();
    for (URI target : targets) {
      Scrape scrape = scrape(target);
      if (scrape.body() == null) {
        continue;
      }
      Map<String, Map<String, Object>> byProcess = new java.util.TreeMap<>();
      Map<String, Map<String, long[]>> servicesByProcess = new HashMap<>();
      for (PrometheusText.Sample sample : PrometheusText.samples(scrape.body(), REGISTRY_NAMES)) {
        Map<String, String> labels = sample.labels();
        String role = labels.getOrDefault("switchboard_role", "?");
        String instance = labels.getOrDefault("switchboard_instance", "");
        String process = role + "\0" + instance;
        Map<String, Object> figures = byProcess.computeIfAbsent(process,
            key -> new HashMap<>());
        long value = Math.round(sample.value());
        String service = labels.get("switchboard_service");
        switch (sample.name()) {
          case SESSION -> {
            if (value == 1) {
              figures.put("session", labels.getOrDefault("switchboard_registry_session", "?"));
            }
          }
          case REREGISTRATIONS -> figures.put("reRegistrations", value);
          case INVALID -> figures.put("invalid", value);
          default -> {
            if (service != null) {
              long[] hold = servicesByProcess.computeIfAbsent(process, key -> new java.util.TreeMap<>())
                  .computeIfAbsent(service, key -> new long[4]);
              switch (sample.name()) {
                case INSTANCES -> hold[0] = value;
                case LAST_KNOWN_GOOD -> hold[1] = value;
                case HOLDS -> hold[2] = value;
                default -> hold[3] = value;
              }
            }
          }
        }
      }
      byProcess.forEach((process, figures) -> {
        int separator = process.indexOf('\0');
        Map<String, ServiceHold> services = new LinkedHashMap<>();
        servicesByProcess.getOrDefault(process, Map.of()).forEach((service, hold) ->
            services.put(service, new ServiceHold(hold[0], hold[1] == 1, hold[2], hold[3] == 1)));
        processes.add(new ProcessHealth(target, process.substring(0, separator),
            process.substring(separator + 1), (String) figures.getOrDefault("session", "?"),
            (Long) figures.getOrDefault("reRegistrations", 0L),
            (Long) figures.getOrDefault("invalid", 0L), services));
      });
    }
    return processes;
  }

  private record Point(long atNanos, Map<String, Double> totals) {}

  private final List<URI> targets;
  private final HttpClient http;
  private final Map<URI, Scrape> cache = new ConcurrentHashMap<>();
  private final Map<String, Deque<Point>> history = new HashMap<>();

  TrafficSplit(List<URI> targets) {
    this.targets = List.copyOf(targets);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  List<URI> targets() {
    return targets;
  }

  /** Scrapes (or reuses a scrape under a second old) and returns the split of {@code service}. */
  Split of(String service) {
    List<TargetStatus> statuses = new ArrayList<>();
    Map<String, Double> picks = new LinkedHashMap<>();
    Map<String, Double> serverCalls = new LinkedHashMap<>();
    for (URI target : targets) {
      Scrape scrape = scrape(target);
      statuses.add(scrape.status());
      if (scrape.body() == null) {
        continue;
      }
      List<PrometheusText.Sample> samples = PrometheusText.samples(scrape.body(), NAMES);
      java.util.Set<String> serverInstances = new java.util.TreeSet<>();
      double calls = 0;
      for (PrometheusText.Sample sample : samples) {
        Map<String, String> labels = sample.labels();
        switch (sample.name()) {
          case PICKS -> {
            String instance = labels.get("switchboard_instance");
            if (instance != null && serviceOf(labels.get("grpc_target")).equals(service)) {
              picks.merge(instance, sample.value(), Double::sum);
            }
          }
          case SERVER_CALLS -> {
            String method = labels.getOrDefault("grpc_method", "");
            if (method.startsWith(service + "/")) {
              calls += sample.value();
            }
          }
          default -> {
            if ("server".equals(labels.get("switchboard_role"))
                && labels.containsKey("switchboard_instance")) {
              serverInstances.add(labels.get("switchboard_instance"));
            }
          }
        }
      }
      if (serverInstances.size() == 1 && calls > 0) {
        serverCalls.merge(serverInstances.iterator().next(), calls, Double::sum);
      }
    }
    boolean fromPicks = !picks.isEmpty();
    Map<String, Double> totals = fromPicks ? picks : serverCalls;
    String source = fromPicks ? "consumers' balancer picks (" + PICKS + ")"
        : "calls each provider started (" + SERVER_CALLS + ")";
    long now = System.nanoTime();
    Map<String, Double> recent = Map.of();
    double recentSeconds = 0;
    synchronized (history) {
      Deque<Point> points = history.computeIfAbsent(service + "|" + fromPicks,
          key -> new ArrayDeque<>());
      points.addLast(new Point(now, totals));
      // the base is the newest point at least a window old (or the oldest there is)
      while (points.size() > 2) {
        java.util.Iterator<Point> iterator = points.iterator();
        iterator.next();
        if (now - iterator.next().atNanos() >= RECENT_WINDOW_NANOS) {
          points.removeFirst();
        } else {
          break;
        }
      }
      Point base = points.peekFirst();
      if (base != null && now - base.atNanos() >= Duration.ofSeconds(1).toNanos()) {
        Map<String, Double> delta = new LinkedHashMap<>();
        for (Map.Entry<String, Double> entry : totals.entrySet()) {
          double before = base.totals().getOrDefault(entry.getKey(), 0.0);
          double difference = entry.getValue() - before;
          delta.put(entry.getKey(), difference < 0 ? entry.getValue() : difference);
        }
        if (delta.values().stream().mapToDouble(Double::doubleValue).sum() > 0) {
          recent = delta;
          recentSeconds = (now - base.atNanos()) / 1e9;
        }
      }
      if (points.size() > 64) {
        points.removeFirst();
      }
    }
    return new Split(totals, recent, recentSeconds, source, statuses);
  }

  /** The service of a channel target {@code zk://host:port[/chroot]/service[?...]}: its last segment. */
  static String serviceOf(String target) {
    if (target == null) {
      return "";
    }
    String path = target;
    int question = path.indexOf('?');
    if (question >= 0) {
      path = path.substring(0, question);
    }
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  private Scrape scrape(URI target) {
    long now = System.nanoTime();
    Scrape cached = cache.get(target);
    if (cached != null && now - cached.atNanos() < CACHE_NANOS) {
      return cached;
    }
    Scrape scrape;
    try {
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(target)
          .timeout(Duration.ofSeconds(2)).header("Accept", "text/plain").GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          scrape = new Scrape(now, null, new TargetStatus(target, false,
              "HTTP " + response.statusCode()));
        } else {
          byte[] bytes = body.readNBytes(MAX_BYTES);
          scrape = new Scrape(now, new String(bytes, StandardCharsets.UTF_8),
              new TargetStatus(target, true, "ok"));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      scrape = new Scrape(now, null, new TargetStatus(target, false,
          Texts.oneLine(e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      scrape = new Scrape(now, null, new TargetStatus(target, false, "interrupted"));
    }
    cache.put(target, scrape);
    return scrape;
  }
}
