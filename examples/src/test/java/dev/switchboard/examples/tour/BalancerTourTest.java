package dev.switchboard.examples.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The balancer tour runs end to end on an embedded ZooKeeper and shows what it promises. */
@Timeout(120)
class BalancerTourTest {

  @Test
  void showsEveryBalancer() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();

    BalancerTour.run(null, new PrintStream(captured, true, StandardCharsets.UTF_8));

    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output).containsPattern("switchboard_weighted_round_robin +100 +200 +300");
    assertThat(output).contains("switchboard_weighted_random", "switchboard_consistent_hash",
        "switchboard_least_request", "switchboard_peak_ewma");
    // Maglev may move a key between the providers that stay, rarely: only the count is fixed.
    assertThat(output).containsPattern("\\d+ of 12 keys moved, \\d+ of them from a provider");
    assertThat(output).contains("Tour over.");
  }
}
