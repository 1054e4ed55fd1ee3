package dev.switchboard.examples.dashboard;

import dev.switchboard.examples.Args;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Takes the pictures of the Grafana dashboard ({@code examples/grafana/switchboard-dashboard.json})
 * from a real run: the {@link DashboardScenario} (embedded ZooKeeper, three Greeter providers of
 * weights 1:2:3 and a consumer under light load, one {@code /metrics} endpoint), in which the
 * heaviest provider fails every call (INTERNAL, at once) from 40 % to 60 % of the run and then
 * heals. The process scrapes its own endpoint over HTTP once a second, computes the series every
 * panel shows ({@link DashboardPanels}: rates from successive counter samples over 3 s windows,
 * p99 from the histogram buckets as {@code histogram_quantile} does) and draws each panel as a
 * PNG ({@link PanelChart}).
 *
 * <pre>
 * mvn -B -ntp -DskipTests package
 * java -cp examples/target/switchboard-examples.jar \
 *     dev.switchboard.examples.dashboard.DashboardPictures [--duration 30] [--out docs/observability]
 * </pre>
 *
 * <p>Thread-safe: runs share nothing (each has its own ZooKeeper, ports and metrics); each sets
 * {@code java.awt.headless=true} for the JVM.
 */
public final class DashboardPictures {
  /** The scrapes a rate is computed over: 4 scrapes a second apart, a 3 s window. */
  static final int WINDOW_SCRAPES = 4;
  private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);

  private DashboardPictures() {}

  /**
   * What a run produced.
   *
   * @param scrapes every scrape, oldest first
   * @param lastScrape the text of the last scrape
   * @param lines each panel's lines (by panel id, then legend), values by time in seconds
   * @param failingFrom when the provider started failing, in seconds
   * @param failingUntil when it healed, in seconds
   * @param pictures the PNG files written, one per panel
   * @param servedBy the replies the load received per {@code served_by}
   */
  public record Result(List<Scrape> scrapes, String lastScrape,
      Map<String, Map<String, SortedMap<Double, Double>>> lines, double failingFrom,
      double failingUntil, List<Path> pictures, Map<String, Long> servedBy) {}

  public static void main(String[] argv) throws Exception {
    Args args;
    try {
      args = Args.parse(argv, Set.of("duration", "out"));
      args.getInt("duration", 30, 8, 600);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("usage: java -cp switchboard-examples.jar"
          + " dev.switchboard.examples.dashboard.DashboardPictures [--duration SECONDS]"
          + " [--out DIR]");
      throw e;
    }
    run(Duration.ofSeconds(args.getInt("duration", 30, 8, 600)),
        Path.of(args.get("out", "docs/observability")), System.out);
  }

  /**
   * Runs the scenario for {@code duration} (whole seconds, at least 8), then writes one PNG per
   * panel to {@code out} (created if missing), narrating to {@code log}.
   */
  public static Result run(Duration duration, Path out, PrintStream log) throws Exception {
    System.setProperty("java.awt.headless", "true");
    int seconds = Math.toIntExact(duration.toSeconds());
    if (seconds < 8) {
      throw new IllegalArgumentException("duration " + duration + " is too short (allowed: 8 s"
          + " or more: a healthy start, the outage and the recovery each need a few seconds)");
    }
    int failFrom = Math.round(seconds * 0.4f);
    int failUntil = Math.round(seconds * 0.6f);
    Files.createDirectories(out);
    try (DashboardScenario scenario = DashboardScenario.start()) {
      log.printf("Scenario up: 3 providers (weights 1:2:3) and a consumer, metrics at %s.%n"
              + "Scraping it once a second for %d s; %s fails every call from %d s to %d s.%n",
          scenario.metricsUri(), seconds, DashboardScenario.failingName(), failFrom, failUntil);
      HttpClient http = HttpClient.newBuilder().connectTimeout(SCRAPE_TIMEOUT).build();
      List<Scrape> scrapes = new ArrayList<>();
      String text = "";
      double failingFrom = failFrom;
      double failingUntil = failUntil;
      long start = System.nanoTime();
      for (int second = 0; second <= seconds; second++) {
        sleepUntil(start + Duration.ofSeconds(second).toNanos());
        double at = (System.nanoTime() - start) / 1e9;
        text = scrape(http, scenario.metricsUri());
        scrapes.add(Scrape.parse(at, text));
        if (second == failFrom) {
          scenario.failing(true);
          failingFrom = (System.nanoTime() - start) / 1e9;
        } else if (second == failUntil) {
          scenario.failing(false);
          failingUntil = (System.nanoTime() - start) / 1e9;
        }
      }

      Map<String, String> names = scenario.instanceNames();
      PanelChart.Shading shading = new PanelChart.Shading(failingFrom, failingUntil,
          DashboardScenario.failingName() + " fails every call (INTERNAL)");
      String note = "A real run: 1 s scrapes, rates over " + (WINDOW_SCRAPES - 1)
          + " s windows (the dashboard: [1m]); " + 1_000 / SteadyLoad.UNARY_MILLIS
          + " SayHello + " + 1_000 / SteadyLoad.STREAM_MILLIS + " SayHelloStream calls/s";
      Map<String, Map<String, SortedMap<Double, Double>>> lines = new LinkedHashMap<>();
      List<Path> pictures = new ArrayList<>();
      for (Panel panel : DashboardPanels.all()) {
        Map<String, SortedMap<Double, Double>> panelLines = panel.evaluate(scrapes,
            WINDOW_SCRAPES, labels -> relabel(labels, names));
        lines.put(panel.id(), panelLines);
        Path file = out.resolve(panel.id() + ".png");
        PanelChart.write(panel, panelLines, seconds, shading, note, file);
        pictures.add(file);
        log.println("Wrote " + file);
      }
      Map<String, Long> servedBy = scenario.servedBy();
      log.printf("Replies per provider: %s; calls that failed for the caller: %d.%n", servedBy,
          scenario.callerErrors());
      return new Result(scrapes, text, lines, failingFrom, failingUntil, pictures, servedBy);
    }
  }

  /**
   * The labels a legend is written with: an instance id becomes the provider's name and weight,
   * a channel target the service it ends in.
   */
  static Map<String, String> relabel(Map<String, String> labels, Map<String, String> names) {
    Map<String, String> relabelled = new TreeMap<>(labels);
    relabelled.computeIfPresent("switchboard_instance", (key, id) -> names.getOrDefault(id, id));
    relabelled.computeIfPresent("grpc_target",
        (key, target) -> target.substring(target.lastIndexOf('/') + 1));
    return relabelled;
  }

  private static String scrape(HttpClient http, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(SCRAPE_TIMEOUT)
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + response.statusCode());
    }
    return response.body();
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
