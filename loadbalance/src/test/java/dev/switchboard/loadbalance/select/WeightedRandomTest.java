package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedRandomTest {

  @Test
  void aliasTableGivesEachChoiceExactlyItsShare() {
    int[] weights = {1, 2, 3, 10, 84};
    WeightedRandom selector = new WeightedRandom(weights);
    double[] mass = new double[weights.length];
    int columns = weights.length;
    // Integrate over the two uniform draws: each column is hit with 1/n, the coin splits it.
    for (int column = 0; column < columns; column++) {
      for (int step = 0; step < 10_000; step++) {
        double coin = (step + 0.5) / 10_000;
        mass[selector.next(column, coin)] += 1.0 / columns / 10_000;
      }
    }
    for (int i = 0; i < weights.length; i++) {
      assertThat(mass[i]).isCloseTo(weights[i] / 100.0, offset(1e-4));
    }
  }

  @Test
  void samplesFollowTheWeights() {
    int[] weights = {1, 2, 3};
    WeightedRandom selector = new WeightedRandom(weights);
    Random random = new Random(7);
    int[] counts = new int[3];
    int draws = 600_000;
    for (int i = 0; i < draws; i++) {
      counts[selector.next(random.nextInt(3), random.nextDouble())]++;
    }
    // Binomial standard deviation at these sizes is about 0.06 % of the draws; allow 0.5 %.
    for (int i = 0; i < 3; i++) {
      assertThat((double) counts[i] / draws).isCloseTo(weights[i] / 6.0, offset(0.005));
    }
    int[] live = new int[3];
    for (int i = 0; i < 60_000; i++) {
      live[selector.next()]++;
    }
    assertThat(live[2]).isGreaterThan(live[1]).isGreaterThan(live[0]).isPositive();
  }

  @Test
  void oneChoiceIsAlwaysPicked() {
    WeightedRandom selector = new WeightedRandom(new int[] {5});
    for (int i = 0; i < 100; i++) {
      assertThat(selector.next()).isZero();
    }
  }

  @Test
  void rejectsBadWeights() {
    assertThatThrownBy(() -> new WeightedRandom(new int[0])).hasMessageContaining("no weights");
    assertThatThrownBy(() -> new WeightedRandom(new int[] {1, -1}))
        .hasMessageContaining("weight -1 is not positive");
  }
}
