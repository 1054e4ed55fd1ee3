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

  /** The scale table as {@code DiscoveryTimings} writes it at 1,000 services. */
  static final String SCALE = """
      ### 1000 services × 10 instances, 3-node ensemble

      | measure | value |
      | --- | --- |
      | register 10,000 instance nodes (100 sessions) | 12.93 s |
      | a new consumer: 1000 watches converge | 1.27 s |
      | consumer heap for them | 9.9 MB |
      | whole ensemble stopped and started (took 0.5 s): until the existing consumer is \
      connected again | 1.12 s |
      | then until it has read all 1000 services again | 1.42 s |
      | then a new consumer: 1000 watches converge | 1.19 s |
      | ensemble restarted: fewest instances the existing consumer published for any service \
      | 10 of 10 |
      | the warm-up round before: register the same, the JVM cold | 15.40 s |
      """;

  @Test
  void theScaleTableIsReadWithEveryFigure() {
    DiscoveryTable.Scale scale = DiscoveryTable.parse(SCALE).scale().orElseThrow();

    assertThat(scale.services()).isEqualTo(1000);
    assertThat(scale.instances()).isEqualTo(10);
    assertThat(scale.ensemble()).isEqualTo(3);
    assertThat(scale.sessions()).isEqualTo(100);
    assertThat(scale.registerSeconds()).hasValue(12.93);
    assertThat(scale.convergeSeconds()).hasValue(1.27);
    assertThat(scale.heapMegabytes()).hasValue(9.9);
    assertThat(scale.reconnectSeconds()).hasValue(1.12);
    assertThat(scale.rereadSeconds()).hasValue(1.42);
    assertThat(scale.lateConvergeSeconds()).hasValue(1.19);
    assertThat(scale.fewest()).hasValue(10);
    assertThat(scale.fewestOf()).isEqualTo(10);
    assertThat(scale.coldRegisterSeconds()).hasValue(15.4);
  }

  @Test
  void anOlderScaleTableLeavesTheRowsItLacksEmpty() {
    DiscoveryTable table = DiscoveryTable.parse(Fixtures.OLDER_SCALE_TABLE);

    DiscoveryTable.Scale scale = table.scale().orElseThrow();
    assertThat(scale.ensemble()).isZero();
    assertThat(scale.sessions()).isEqualTo(10);
    assertThat(scale.registerSeconds()).hasValue(23.1);
    assertThat(scale.convergeSeconds()).isEmpty();
    assertThat(scale.heapMegabytes()).hasValue(16.3);
    assertThat(scale.rereadSeconds()).isEmpty();
    assertThat(scale.fewest()).isEmpty();
    assertThat(scale.coldRegisterSeconds()).isEmpty();
    assertThat(table.firstPickMax()).isEmpty();
    assertThat(DiscoveryTable.parse("10 rounds\n").scale()).isEmpty();
  }
}
