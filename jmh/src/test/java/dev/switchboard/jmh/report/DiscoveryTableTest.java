package dev.switchboard.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the discovery timings' markdown is read, failed rounds included. */
class DiscoveryTableTest {

  @Test
  void aRoundWhoseProviderWasNeverPickedIsAnInfiniteMax() {
    DiscoveryTable table = DiscoveryTable.parse("""
        20 rounds; a consumer calls on 2 threads; the provider's drain period is 500 ms.

        | measure | p50 ms | max ms |
        | --- | --- | --- |
        | registration → first pick | 41.2 | never |
        | DRAINING → last pick | 0.0 | 3.1 |
        """);

    assertThat(table.rounds()).isEqualTo(20);
    assertThat(table.firstPickP50()).hasValue(41.2);
    assertThat(table.firstPickMax().getAsDouble()).isInfinite();
  }

  @Test
  void timedRoundsAreReadAsMilliseconds() {
    DiscoveryTable table = DiscoveryTable.parse("""
        30 rounds

        | measure | p50 ms | max ms |
        | --- | --- | --- |
        | registration → first pick | 38.0 | 1,204.5 |
        """);

    assertThat(table.firstPickMax()).hasValue(1204.5);
  }
}
