package dev.switchboard.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Flags}: counts are whole numbers of at least 1, and a bad one is named. */
class FlagsTest {
  @Test
  void aCountIsReadOrDefaultedAndABadOneNamesTheFlag() {
    Map<String, String> flags = Flags.parse(new String[] {"--sessions", "1_000",
        "--rounds", "0", "--services", "many"}, List.of("sessions", "rounds", "services"));

    assertThat(Flags.positiveInt(flags, "sessions", 100)).isEqualTo(1000);
    assertThat(Flags.positiveInt(flags, "instances", 10)).isEqualTo(10);
    assertThatThrownBy(() -> Flags.positiveInt(flags, "rounds", 20))
        .hasMessage("--rounds 0: expected a whole number of at least 1");
    assertThatThrownBy(() -> Flags.positiveInt(flags, "services", 1000))
        .hasMessage("--services many: expected a whole number of at least 1");
  }
}
