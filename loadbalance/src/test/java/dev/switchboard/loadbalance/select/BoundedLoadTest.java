package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundedLoadTest {

  @Test
  void capIsCTimesTheAverageRoundedUp() {
    // 4 equal endpoints, c = 1.25, 7 in flight: cap = ceil(1.25 * 8 / 4) = 3.
    double share = 1.25 / 4;
    assertThat(BoundedLoad.hasRoom(2, 7, share)).isTrue();
    assertThat(BoundedLoad.hasRoom(3, 7, share)).isFalse();
  }

  @Test
  void hotKeysNeverPushAnEndpointPastTheCap() {
    int n = 10;
    double c = 1.25;
    String[] names = new String[n];
    int[] weights = new int[n];
    for (int i = 0; i < n; i++) {
      names[i] = "host-" + i;
      weights[i] = 100;
    }
    MaglevTable table = new MaglevTable(names, weights);
    int[] inFlight = new int[n];
    int total = 0;
    Random random = new Random(11);
    int[] open = new int[200];
    java.util.Arrays.fill(open, -1);
    int onPrimary = 0;
    int requests = 200_000;
    for (int r = 0; r < requests; r++) {
      int slot = r % open.length;
      if (open[slot] >= 0) { // the request started 200 arrivals ago completes
        inFlight[open[slot]]--;
        total--;
      }
      // Skewed keys: half the traffic on 5 hot keys.
      String key = random.nextBoolean() ? "hot-" + random.nextInt(5) : "key-" + random.nextInt(100_000);
      long hash = KeyHash.hash(key);
      int totalNow = total;
      int chosen = table.walk(hash,
          index -> BoundedLoad.hasRoom(inFlight[index], totalNow, c / n));
      if (chosen == table.lookup(hash)) {
        onPrimary++;
      }
      inFlight[chosen]++;
      total++;
      open[slot] = chosen;
      for (int i = 0; i < n; i++) {
        assertThat(inFlight[i]).isLessThanOrEqualTo((int) Math.ceil(c * total / n));
      }
    }
    assertThat((double) onPrimary / requests).as("locality").isGreaterThan(0.6);
  }
}
