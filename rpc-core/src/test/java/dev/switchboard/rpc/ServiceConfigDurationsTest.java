package dev.switchboard.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durations as gRPC service config writes them: seconds in plain decimals. */
class ServiceConfigDurationsTest {

  @Test
  void formatsPlainDecimalSeconds() {
    assertThat(ServiceConfigDurations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(ServiceConfigDurations.format(Duration.ofNanos(500_000))).isEqualTo("0.0005s");
    assertThat(ServiceConfigDurations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(ServiceConfigDurations.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(ServiceConfigDurations.format(Duration.ofNanos(1))).isEqualTo("0.000000001s");
    assertThat(ServiceConfigDurations.format(Duration.ofMinutes(5))).isEqualTo("300s");
    assertThat(ServiceConfigDurations.format(Duration.ofSeconds(3, 120_000_000)))
        .isEqualTo("3.12s");
  }

  @Test
  void formatNeverWritesAnExponent() {
    for (Duration duration : List.of(Duration.ofNanos(1), Duration.ofNanos(10),
        Duration.ofNanos(500_000), Duration.ofSeconds(100), Duration.ofSeconds(1_000_000))) {
      assertThat(ServiceConfigDurations.format(duration)).as(duration.toString())
          .matches("\\d+(\\.\\d{1,9})?s");
    }
  }

  @Test
  void formatRejectsNegativeAndNull() {
    assertThatThrownBy(() -> ServiceConfigDurations.format(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S is negative");
    assertThatThrownBy(() -> ServiceConfigDurations.format(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void parsesSecondsMillisecondsAndMinutes() {
    assertThat(ServiceConfigDurations.parse("10s", "w")).isEqualTo(Duration.ofSeconds(10));
    assertThat(ServiceConfigDurations.parse("1.5s", "w")).isEqualTo(Duration.ofMillis(1500));
    assertThat(ServiceConfigDurations.parse("250ms", "w")).isEqualTo(Duration.ofMillis(250));
    assertThat(ServiceConfigDurations.parse("2m", "w")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ServiceConfigDurations.parse("0.0005s", "w")).isEqualTo(Duration.ofNanos(500_000));
    assertThat(ServiceConfigDurations.parse("0.000000001s", "w")).isEqualTo(Duration.ofNanos(1));
    assertThat(ServiceConfigDurations.parse(" 3s ", "w")).isEqualTo(Duration.ofSeconds(3));
    assertThat(ServiceConfigDurations.parse("0s", "w")).isEqualTo(Duration.ZERO);
  }

  @Test
  void formatThenParseRoundTrips() {
    for (Duration duration : List.of(Duration.ZERO, Duration.ofNanos(1),
        Duration.ofNanos(500_000), Duration.ofMillis(250), Duration.ofMillis(1500),
        Duration.ofSeconds(10), Duration.ofSeconds(3, 123_456_789), Duration.ofMinutes(90),
        Duration.ofDays(30))) {
      String text = ServiceConfigDurations.format(duration);
      assertThat(ServiceConfigDurations.parse(text, "round trip")).as(text).isEqualTo(duration);
    }
  }

  @Test
  void badInputFailsNamingTheValueAndTheSetting() {
    for (String bad : Arrays.asList("10", "-1s", "1e3s", "abc", "5.0E-4s", "1.5 h", "", null)) {
      assertThatThrownBy(() -> ServiceConfigDurations.parse(bad, "decayWindow"))
          .as(String.valueOf(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("decayWindow '" + bad + "'")
          .hasMessageContaining("is not a duration");
    }
  }

  @Test
  void tooLongFailsNamingTheValue() {
    assertThatThrownBy(() -> ServiceConfigDurations.parse("999999999999999m", "ttl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl '999999999999999m' is too long");
  }
}
