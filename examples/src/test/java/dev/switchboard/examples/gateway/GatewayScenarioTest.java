package dev.switchboard.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway scenario runs on an embedded ZooKeeper and every outage is answered as promised. */
@Timeout(120)
class GatewayScenarioTest {

  @Test
  void everyOutageIsAnsweredByItsPolicy() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();

    GatewayScenario.run(null, new PrintStream(captured, true, StandardCharsets.UTF_8));

    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("20 requests, 0 errors seen by the caller");
    assertThat(output).containsPattern("3\\. Recommendations go down[^\\n]*\\n[^\\n]*top sellers:"
        + " \\[bestseller-1");
    assertThat(output).contains("249.00 EUR STALE");
    assertThat(output).containsPattern("5\\. Reviews turn slow[^\\n]*\\n[^\\n]*from 0 reviews");
    assertThat(output).contains("request failed: UNAVAILABLE");
    assertThat(output).contains("Scenario over.");
  }
}
