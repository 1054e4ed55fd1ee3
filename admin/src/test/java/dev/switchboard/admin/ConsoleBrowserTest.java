package dev.switchboard.admin;

import static dev.switchboard.admin.Fixture.SERVICE;
import static dev.switchboard.admin.Fixture.id;
import static dev.switchboard.admin.Fixture.provider;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.admin.console.Console;
import dev.switchboard.discovery.zk.ZkRegistryAdmin;
import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.CallLoop;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestGreeter;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless browser (the system's Chromium, driven by its chromedriver):
 * the overview, a service page with live data and the observed split from a consumer's metrics,
 * a drain through the confirmation step with the token, the state turning DRAINING in the page,
 * a weight previewed and applied; and the screenshot docs/admin.md shows.
 *
 * <p>Skipped, saying why, only when Chromium or chromedriver is not installed
 * ({@code apt-get install -y chromium chromium-driver}; .ci/run installs them).
 */
@Timeout(90)
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String TOKEN = "browser-test-token-42";
  private static final Closer closer = new Closer();
  private static RpcServer[] providers;
  private static Console console;
  private static WebDriver browser;
  private static CallLoop load;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser test skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " is not installed"
            + " (apt-get install -y chromium chromium-driver)");
    TestingServer zookeeper = closer.register(new TestingServer(true));
    String registry = Fixture.registry(zookeeper.getConnectString(), "browser");
    providers = new RpcServer[] {
        closer.register(provider(registry, new TestGreeter("provider-1"), 1, "eu-west-1a")),
        closer.register(provider(registry, new TestGreeter("provider-2"), 2, "eu-west-1b")),
        closer.register(provider(registry, new Fixture.HostileGreeter("provider-3"), 3,
            "eu-west-1b"))};

    // a consumer under light load, whose Prometheus endpoint gives the console the real split
    RpcClient client = closer.register(RpcClient.builder().registry(registry).metricsPort(0)
        .build());
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub);
    // One call after another on a background thread: rpc-core's test CallLoop.
    load = CallLoop.start(() -> greeter.withDeadlineAfter(2, TimeUnit.SECONDS)
        .sayHello(HelloRequest.newBuilder().setName("console").build()));

    ZkRegistryConfig config = ZkRegistryConfig.fromUri(URI.create(registry
        + "?snapshotDir=none"));
    ZkRegistryAdmin admin = closer.register(ZkRegistryAdmin.open(config));
    console = closer.register(Console.builder(admin, config).port(0).token(TOKEN).who("ops")
        .metrics(URI.create("http://127.0.0.1:" + client.metricsPort().getAsInt() + "/metrics"))
        .pollInterval(Duration.ofSeconds(1)).start());

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--window-size=1500,900", "--hide-scrollbars",
        "--force-device-scale-factor=1");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() throws Exception {
    if (load != null) {
      load.close();
    }
    if (browser != null) {
      browser.quit();
    }
    closer.close();
  }

  private static WebDriverWait waiting(int seconds) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    wait.ignoring(AssertionError.class);
    return wait;
  }

  private static WebElement row(String instanceId) {
    for (WebElement row : browser.findElements(By.cssSelector("#instances tbody tr"))) {
      if (instanceId.equals(row.getAttribute("data-key"))) {
        return row;
      }
    }
    throw new AssertionError("no row for " + instanceId + " in " + browser.getPageSource());
  }

  private static String cell(String instanceId, String field) {
    return row(instanceId).findElement(By.cssSelector("td[data-field='" + field + "']"))
        .getText();
  }

  @Test
  void drainAnInstanceFromTheConsoleAndWatchItTurnDraining() throws Exception {
    browser.get(console.url());
    assertThat(browser.getTitle()).contains("Services");
    assertThat(browser.findElement(By.id("mode")).getText())
        .contains("Read-only without the console token");
    WebElement overviewRow = browser.findElement(By.cssSelector("tr[data-group=services]"));
    assertThat(overviewRow.findElement(By.cssSelector("td[data-field=serving]")).getText())
        .isEqualTo("3");
    assertThat(overviewRow.findElement(By.cssSelector("td[data-field=health]")).getText())
        .isEqualTo("healthy");

    browser.findElement(By.linkText(SERVICE)).click();
    waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("instances")));
    String target = id(providers[1]);
    assertThat(cell(target, "state")).isEqualTo("SERVING");
    assertThat(cell(target, "zone")).isEqualTo("eu-west-1b");
    assertThat(cell(target, "version")).isEqualTo("1.0.0");
    assertThat(cell(target, "share")).isEqualTo("33.3%");
    // hostile metadata is text on the page, and none of it ran
    assertThat(browser.findElement(By.id("instances")).getText())
        .contains("note=<img src=x onerror=\"window.pwned=1\"><script>window.pwned=1</script>");
    assertThat(((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript("return window.pwned === undefined")).isEqualTo(true);

    // a wrong token changes nothing
    row(target).findElement(By.linkText("Drain")).click();
    waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("token")));
    browser.findElement(By.id("token")).sendKeys("not-the-token");
    browser.findElement(By.id("confirm")).click();
    waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"),
        "Wrong or missing console token"));

    // the drain, confirmed with the token
    browser.findElement(By.linkText("Back to " + SERVICE)).click();
    waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("instances")));
    row(target).findElement(By.linkText("Drain")).click();
    waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("token")));
    assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Drain " + target);
    browser.findElement(By.id("token")).sendKeys(TOKEN);
    browser.findElement(By.id("confirm")).click();
    waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
        "Drained " + target));
    waiting(15).until(driver -> cell(target, "state").startsWith("DRAINING"));
    assertThat(row(target).getAttribute("data-state")).isEqualTo("DRAINING");
    waiting(15).until(driver -> cell(target, "share").equals("-"));
    assertThat(browser.findElement(By.cssSelector("[data-page-field=summary]")).getText())
        .isEqualTo("2 serving · 1 draining · 0 invalid");

    // a weight: previewed (dry run) before it is applied
    WebElement weightForm = row(id(providers[0])).findElement(By.cssSelector("form.inline"));
    WebElement input = weightForm.findElement(By.name("weight"));
    input.clear();
    input.sendKeys("6");
    weightForm.findElement(By.tagName("button")).click();
    waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("preview")));
    String preview = browser.findElement(By.id("preview")).getText();
    assertThat(preview).contains("1 → 6", "25.0%", "66.7%"); // 1:3 now, 6:3 after (2 drained)
    browser.findElement(By.id("token")).sendKeys(TOKEN);
    browser.findElement(By.id("confirm")).click();
    waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"),
        "1 → 6"));
    waiting(10).until(driver -> cell(id(providers[0]), "effective").equals("6"));
    assertThat(cell(id(providers[0]), "override")).isEqualTo("weight 6");

    // the live page: the observed split from the consumer's metrics follows the new weights
    waiting(30).until(driver -> {
      List<WebElement> recent = browser.findElements(By.cssSelector(
          "#split td[data-field=observedRecent]"));
      return recent.stream().anyMatch(element -> element.getText().contains("%"));
    });
    waiting(30).until(driver -> {
      for (WebElement split : browser.findElements(By.cssSelector("#split tbody tr"))) {
        if (target.equals(split.getAttribute("data-key"))) {
          String recent = split.findElement(By.cssSelector("td[data-field=observedRecent]"))
              .getText();
          return recent.equals("-") || recent.startsWith("0 ·");
        }
      }
      return false;
    });
    // and once the recent window lies after the change, it is the 6:3 of the weights
    String heavy = id(providers[0]);
    waiting(30).until(driver -> {
      for (WebElement split : browser.findElements(By.cssSelector("#split tbody tr"))) {
        if (heavy.equals(split.getAttribute("data-key"))) {
          String recent = split.findElement(By.cssSelector("td[data-field=observedRecent]"))
              .getText();
          int percent = recent.indexOf('%');
          if (percent < 0) {
            return false;
          }
          double share = Double.parseDouble(recent.substring(recent.indexOf('·') + 1, percent)
              .strip());
          return Math.abs(share - 66.7) < 4;
        }
      }
      return false;
    });
    screenshot();

    // the registry page: this console's session, and the consumer's own view and holds
    browser.findElement(By.linkText("Registry")).click();
    waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("processes")));
    assertThat(browser.findElement(By.cssSelector("[data-page-field=session]")).getText())
        .isEqualTo("connected");
    WebElement consumer = browser.findElement(By.cssSelector("#processes tbody tr"));
    assertThat(consumer.getText()).contains("client", "connected",
        SERVICE + ": ", " instances, live view, 0 mass-drop holds");
  }

  private static void screenshot() throws Exception {
    List<?> sizes = (List<?>) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight]");
    int pageHeight = ((Number) sizes.get(0)).intValue() + Math.max(0,
        ((Number) sizes.get(1)).intValue());
    org.openqa.selenium.Dimension size = new org.openqa.selenium.Dimension(1500,
        Math.min(2_400, Math.max(600, pageHeight + 16)));
    browser.manage().window().setSize(size);
    // the browser has taken the new size and the page is laid out for it
    waiting(10).until(driver -> driver.manage().window().getSize().equals(size)
        && "complete".equals(((org.openqa.selenium.JavascriptExecutor) driver)
            .executeScript("return document.readyState")));
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = Path.of("target", "console.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    String wanted = System.getProperty("switchboard.screenshot", "");
    if (!wanted.isBlank() && !wanted.startsWith("${")) {
      Path path = Path.of(wanted);
      if (!path.isAbsolute()) {
        path = Path.of(System.getProperty("switchboard.root", "..")).resolve(path);
      }
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.copy(shot, path, StandardCopyOption.REPLACE_EXISTING);
    }
    assertThat(Files.size(target)).isGreaterThan(10_000);
  }
}
