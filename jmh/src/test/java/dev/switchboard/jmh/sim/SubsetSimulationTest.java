package dev.switchboard.jmh.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The subsetting simulation's findings, at a smaller fleet than the report's. */
class SubsetSimulationTest {
  private static final List<SubsetSimulation.Row> ROWS = SubsetSimulation.run(400, 400, 42);

  private static SubsetSimulation.Row row(String prefix, int size) {
    return ROWS.stream().filter(r -> r.algorithm().startsWith(prefix) && r.size() == size)
        .findFirst().orElseThrow();
  }

  @Test
  void randomSubsetsSpreadConnectionsWithinAFewTimesTheirSpreadAndMoveLittle() {
    for (int size : SubsetSimulation.SIZES) {
      SubsetSimulation.Row random = row("random", size);
      assertThat(random.mean()).isEqualTo(size); // C = N: k connections per provider on average
      assertThat(random.max() / random.mean()).isLessThan(2.5);
      // a client moves only if one of its k providers left: about 1 - 0.99^k of them
      assertThat(random.moved()).isLessThan(1 - Math.pow(0.99, size) + 0.1);
    }
  }

  @Test
  void deterministicSubsetsAreExactlyEvenButRenumberingMovesMostClients() {
    SubsetSimulation.Row deterministic = row("deterministic", 10);
    assertThat(deterministic.min()).isEqualTo(10);
    assertThat(deterministic.max()).isEqualTo(10);
    assertThat(deterministic.moved()).isGreaterThan(0.5);
  }
}
