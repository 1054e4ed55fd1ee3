package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesTest {

  @Test
  void takesTheCheaperOfTwo() {
    double[] costs = {5, 1};
    assertThat(PowerOfTwoChoices.pick(0, 1, i -> costs[i], true)).isEqualTo(1);
    assertThat(PowerOfTwoChoices.pick(1, 0, i -> costs[i], true)).isEqualTo(1);
    assertThat(PowerOfTwoChoices.pick(0, 1, i -> 3, true)).isZero();
    assertThat(PowerOfTwoChoices.pick(0, 1, i -> 3, false)).isEqualTo(1);
  }

  @Test
  void theMostExpensiveOfThreeIsNeverPicked() {
    double[] costs = {1, 1, 100};
    int[] counts = new int[3];
    for (int i = 0; i < 30_000; i++) {
      counts[PowerOfTwoChoices.pick(3, index -> costs[index])]++;
    }
    assertThat(counts[2]).isZero();
    assertThat(counts[0]).isBetween(13_500, 16_500);
  }

  @Test
  void equalCostsSpreadEvenly() {
    int[] counts = new int[10];
    for (int i = 0; i < 100_000; i++) {
      counts[PowerOfTwoChoices.pick(10, index -> 1)]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(9_000, 11_000);
    }
    assertThat(PowerOfTwoChoices.pick(1, index -> 1)).isZero();
  }
}
