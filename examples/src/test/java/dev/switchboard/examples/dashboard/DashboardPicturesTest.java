package dev.switchboard.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.rpc.PrometheusText;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real run of {@link DashboardPictures} (8 s), and the Grafana dashboard checked against
 * the scrape it took: every metric a panel queries is in it, with the labels the panel uses.
 */
@Timeout(90)
class DashboardPicturesTest {
  private static final Path DASHBOARD = Path.of("grafana/switchboard-dashboard.json");
  /**
   * Reported only by a registry whose {@code health()} describes the services it watches
   * (discovery-zk's {@code ZkRegistry} with registry health); checked when the scrape shows such
   * a registry.
   */
  private static final Set<String> PER_SERVICE_REGISTRY_METRICS = Set.of(
      "switchboard_registry_instances", "switchboard_registry_last_known_good",
      "switchboard_registry_mass_drop_holds_total");

  @TempDir
  static Path out;
  private static DashboardPictures.Result run;
  private static String narration;
  private static JsonNode dashboard;

  @BeforeAll
  static void runShortly() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    run = DashboardPictures.run(Duration.ofSeconds(8), out,
        new PrintStream(log, true, StandardCharsets.UTF_8));
    narration = log.toString(StandardCharsets.UTF_8);
    dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
  }

  @Test
  void writesOneValidPicturePerPanel() throws Exception {
    assertThat(run.pictures()).hasSize(DashboardPanels.all().size());
    for (Panel panel : DashboardPanels.all()) {
      Path file = out.resolve(panel.id() + ".png");
      assertThat(run.pictures()).contains(file);
      BufferedImage image = ImageIO.read(file.toFile());
      assertThat(image).as(file.toString()).isNotNull();
      assertThat(image.getWidth()).isEqualTo(PanelChart.WIDTH);
      assertThat(image.getHeight()).isEqualTo(PanelChart.HEIGHT);
    }
    assertThat(narration).contains("provider-3 fails every call from 3 s to 5 s",
        "Wrote " + out.resolve("traffic-split.png"));
  }

  @Test
  void whileHealthyTheTrafficSplitFollowsTheWeights() {
    Map<String, SortedMap<Double, Double>> split = run.lines().get("traffic-split");
    assertThat(split).containsOnlyKeys("provider-1 (weight 1)", "provider-2 (weight 2)",
        "provider-3 (weight 3)");
    List<Double> healthy = new ArrayList<>(split.get("provider-1 (weight 1)")
        .headMap(run.failingFrom()).keySet());
    assertThat(healthy).as("points whose window is before the outage").isNotEmpty();
    for (double time : healthy) {
      double one = split.get("provider-1 (weight 1)").get(time);
      double two = split.get("provider-2 (weight 2)").get(time);
      double three = split.get("provider-3 (weight 3)").get(time);
      double total = one + two + three;
      assertThat(total).as("picks per second at %s s", time).isBetween(35.0, 65.0);
      assertThat(one / total).as("provider-1's share at %s s", time).isCloseTo(1 / 6.0, within(0.04));
      assertThat(two / total).as("provider-2's share at %s s", time).isCloseTo(2 / 6.0, within(0.04));
      assertThat(three / total).as("provider-3's share at %s s", time)
          .isCloseTo(3 / 6.0, within(0.04));
    }
  }

  @Test
  void theOutageShowsAsAnEjectionOfTheFailingProvider() {
    SortedMap<Double, Double> ejections = run.lines().get("failure-accrual")
        .get("ejections: provider-3 (weight 3)");
    assertThat(ejections).isNotNull();
    assertThat(ejections.values().stream().mapToDouble(Double::doubleValue).max().orElse(0))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void theDashboardQueriesAreThoseThePicturesCompute() {
    List<Panel> panels = DashboardPanels.all();
    JsonNode jsonPanels = dashboard.get("panels");
    assertThat(jsonPanels).hasSize(panels.size());
    for (int i = 0; i < panels.size(); i++) {
      Panel panel = panels.get(i);
      JsonNode json = jsonPanels.get(i);
      assertThat(json.get("title").asText()).isEqualTo(panel.title());
      assertThat(json.get("type").asText()).isEqualTo("timeseries");
      assertThat(json.at("/datasource/uid").asText()).isEqualTo("${DS_PROMETHEUS}");
      assertThat(json.at("/fieldConfig/defaults/unit").asText()).isEqualTo(panel.unit().grafana());
      JsonNode targets = json.get("targets");
      assertThat(targets).as(panel.title()).hasSize(panel.queries().size());
      for (int q = 0; q < targets.size(); q++) {
        assertThat(targets.get(q).get("expr").asText()).isEqualTo(panel.queries().get(q).expr());
        assertThat(targets.get(q).get("legendFormat").asText())
            .isEqualTo(panel.queries().get(q).legend());
      }
    }
    assertThat(dashboard.get("schemaVersion").asInt()).isEqualTo(39);
    assertThat(dashboard.at("/__inputs/0/name").asText()).isEqualTo("DS_PROMETHEUS");
  }

  @Test
  void everyMetricTheDashboardQueriesIsInARealScrape() {
    Set<String> scraped = scrapedNames();
    Set<String> queried = new TreeSet<>();
    expressions().forEach(expr -> queried.addAll(PromQlNames.of(expr).metrics()));
    assertThat(queried).hasSizeGreaterThan(10);

    Set<String> required = new TreeSet<>(queried);
    required.removeAll(PER_SERVICE_REGISTRY_METRICS);
    assertThat(scraped).containsAll(required);
  }

  @Test
  void theRegistryPanelsPerServiceMetricsAreInARealScrape() {
    assumeTrue(registryReportsHealth(), "the consumer's registry reports no health"
        + " (switchboard_registry_session is not_applicable): the installed discovery-zk predates"
        + " registry health, so it reports no per-service series");
    assertThat(scrapedNames()).containsAll(PER_SERVICE_REGISTRY_METRICS);
  }

  @Test
  void everyLabelAQueryUsesIsOnTheMetricsItQueries() {
    List<PrometheusText.Sample> samples = PrometheusText.parse(run.lastScrape());
    for (String expr : expressions()) {
      PromQlNames names = PromQlNames.of(expr);
      if (!scrapedNames().containsAll(names.metrics())) {
        continue; // reported by the previous two tests
      }
      Set<String> labels = new HashSet<>();
      samples.stream().filter(sample -> names.metrics().contains(sample.name()))
          .forEach(sample -> labels.addAll(sample.labels().keySet()));
      assertThat(labels).as(expr).containsAll(names.labels());
    }
  }

  private static boolean registryReportsHealth() {
    return PrometheusText.parse(run.lastScrape()).stream().noneMatch(sample ->
        sample.name().equals("switchboard_registry_session")
            && "client".equals(sample.labels().get("switchboard_role"))
            && "not_applicable".equals(sample.labels().get("switchboard_registry_session"))
            && sample.value() == 1);
  }

  private static Set<String> scrapedNames() {
    Set<String> names = new TreeSet<>();
    PrometheusText.parse(run.lastScrape()).forEach(sample -> names.add(sample.name()));
    return names;
  }

  private static List<String> expressions() {
    List<String> exprs = new ArrayList<>();
    dashboard.get("panels").forEach(panel -> panel.get("targets")
        .forEach(target -> exprs.add(target.get("expr").asText())));
    return exprs;
  }
}
