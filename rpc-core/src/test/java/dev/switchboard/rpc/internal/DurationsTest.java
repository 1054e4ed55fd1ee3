package dev.switchboard.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesShortFormsAndIso() {
    assertThat(Durations.parse("250ms", "x")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse(" 2s ", "x")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.parse("1m", "x")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Durations.parse("3h", "x")).isEqualTo(Duration.ofHours(3));
    assertThat(Durations.parse("PT1.5S", "x")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void rejectsOtherTextNamingTheSetting() {
    assertThatThrownBy(() -> Durations.parse("2 days", "deadline"))
        .hasMessageStartingWith("deadline: duration '2 days' is invalid")
        .hasMessageContaining("250ms");
    assertThatThrownBy(() -> Durations.checkPositive(Duration.ofMillis(-1), "deadline"))
        .hasMessageContaining("not positive");
  }
}
