package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyHashTest {

  @Test
  void isStableAcrossRunsAndVersions() {
    // Every client must map a key to the same endpoint: these values must never change.
    assertThat(KeyHash.hash("")).isEqualTo(KeyHash.mix(0xcbf29ce484222325L));
    assertThat(KeyHash.hash("user-42")).isEqualTo(-6_659_360_640_848_290_163L);
    assertThat(KeyHash.hash("abc")).isEqualTo(KeyHash.hash(new byte[] {'a', 'b', 'c'}));
  }

  @Test
  void similarKeysLandFarApart() {
    long a = KeyHash.hash("user-1");
    long b = KeyHash.hash("user-2");
    assertThat(Long.bitCount(a ^ b)).isBetween(16, 48);
  }

  @Test
  void lengthAndOrderMatter() {
    assertThat(KeyHash.hash("ab")).isNotEqualTo(KeyHash.hash("ba"));
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      seen.add(KeyHash.hash("key-" + i));
    }
    assertThat(seen).hasSize(100_000);
  }
}
