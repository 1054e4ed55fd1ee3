package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinTest {

  @Test
  void heavierChoicesAreInterleavedNotBunched() {
    // Virtual deadlines (k + 1/2) / w: b and c fall due together, midway through a's run.
    assertThat(SmoothWeightedRoundRobin.schedule(new int[] {5, 1, 1}))
        .containsExactly(0, 0, 0, 1, 2, 0, 0);
    // The same sequence as nginx's smooth weighted round robin for 1:2:3.
    assertThat(SmoothWeightedRoundRobin.schedule(new int[] {1, 2, 3}))
        .containsExactly(2, 1, 0, 2, 1, 2);
  }

  @Test
  void equalWeightsAreReducedToPlainRoundRobin() {
    assertThat(SmoothWeightedRoundRobin.schedule(new int[] {100, 100, 100}))
        .containsExactly(0, 1, 2);
  }

  @Test
  void everyCycleGivesEachChoiceExactlyItsWeight() {
    int[] weights = {7, 1, 13, 100, 3};
    int[] schedule = SmoothWeightedRoundRobin.schedule(weights);

    assertThat(schedule).hasSize(124);
    int[] counts = new int[weights.length];
    for (int choice : schedule) {
      counts[choice]++;
    }
    assertThat(counts).containsExactly(weights);
  }

  @Test
  void picksAreSpreadEvenly() {
    // In every prefix, each choice is within one pick of its exact share.
    int[] weights = {1, 2, 3, 10, 4};
    int total = 20;
    int[] schedule = SmoothWeightedRoundRobin.schedule(weights);
    int[] counts = new int[weights.length];
    for (int position = 0; position < schedule.length; position++) {
      counts[schedule[position]]++;
      for (int i = 0; i < weights.length; i++) {
        double share = (position + 1) * (double) weights[i] / total;
        assertThat(Math.abs(counts[i] - share)).as("choice %d after %d picks", i, position + 1)
            .isLessThanOrEqualTo(1.0);
      }
    }
  }

  @Test
  void counterWrapsSafelyPastTwoToThe31() {
    SmoothWeightedRoundRobin selector =
        new SmoothWeightedRoundRobin(new int[] {1, 1, 1}, Integer.MAX_VALUE - 2);
    int[] counts = new int[3];

    for (int i = 0; i < 3_000; i++) {
      int choice = selector.next();
      assertThat(choice).isBetween(0, 2);
      counts[choice]++;
    }

    assertThat(counts[0] + counts[1] + counts[2]).isEqualTo(3_000);
    for (int count : counts) {
      assertThat(count).isBetween(999, 1_001);
    }
  }

  @Test
  void hugeWeightSumsAreScaledToABoundedSchedule() {
    Random random = new Random(42);
    int[] weights = new int[1_000];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1 + random.nextInt(10_000);
    }
    weights[0] = 10_000;
    weights[1] = 1;

    int[] schedule = SmoothWeightedRoundRobin.schedule(weights);

    assertThat(schedule.length)
        .isLessThanOrEqualTo(SmoothWeightedRoundRobin.MAX_SCHEDULE_LENGTH + weights.length);
    int[] counts = new int[weights.length];
    for (int choice : schedule) {
      counts[choice]++;
    }
    assertThat(counts[1]).as("the lightest choice still appears").isEqualTo(1);
    long total = 0;
    for (int weight : weights) {
      total += weight;
    }
    double expectedHeaviest = (double) weights[0] / total * schedule.length;
    assertThat((double) counts[0]).isCloseTo(expectedHeaviest,
        org.assertj.core.data.Offset.offset(expectedHeaviest * 0.02));
  }

  @Test
  void rejectsEmptyOrNonPositiveWeights() {
    assertThatThrownBy(() -> SmoothWeightedRoundRobin.schedule(new int[0]))
        .hasMessageContaining("no weights");
    assertThatThrownBy(() -> SmoothWeightedRoundRobin.schedule(new int[] {3, 0}))
        .hasMessageContaining("weight 0 is not positive");
  }
}
