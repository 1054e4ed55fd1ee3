package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyHashTest {

  @Test
  void isStableAcrossRunsAndVersions() {
    // Every client must map a key to the same endpoint: these values must never change.
    assertThat(KeyHash.hash("")).isEqualTo(KeyHash.mix(0xcbf29ce484222325L));
    assertThat(KeyHash.hash("user-42")).isEqualTo(KeyHash.hash("user-42"));
    assertThat(KeyHash.hash("abc")).isEqualTo(KeyHash.hash("abc".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void similarKeysLandFarApart() {
    long a = KeyHash.hash("user-1");
    long b = KeyHash.hash("user-2");
    assertThat(Long.bitCount(a ^ b)).isBetween(16, 48);
  }
}
