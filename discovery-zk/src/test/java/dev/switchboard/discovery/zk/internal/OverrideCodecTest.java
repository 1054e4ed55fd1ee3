package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.discovery.zk.ZkRegistryAdmin.Change;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OverrideCodecTest {
  private static final Instant WHEN = Instant.parse("2026-12-01T10:00:00Z");

  private static InstanceOverride decode(String json) throws InvalidPayloadException {
    return OverrideCodec.decode("i-1", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String reason(String json) {
    try {
      decode(json);
      throw new AssertionError("accepted " + json);
    } catch (InvalidPayloadException e) {
      return e.getMessage();
    }
  }

  @Test
  void roundTrips() throws Exception {
    InstanceOverride override = new InstanceOverride("i-1", true, Optional.of(300),
        List.of(new Change("alice", WHEN, "drain", "false", "true"),
            new Change("bob", WHEN.plusSeconds(60), "weight", "none", "300")));

    byte[] bytes = OverrideCodec.encode(override);

    assertThat(OverrideCodec.decode("i-1", bytes)).isEqualTo(override);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"schema\":1,\"drain\":true,"
        + "\"weight\":300,\"history\":[{\"who\":\"alice\",\"when\":\"2026-12-01T10:00:00Z\","
        + "\"change\":\"drain\",\"old\":\"false\",\"new\":\"true\"},{\"who\":\"bob\",\"when\":"
        + "\"2026-12-01T10:01:00Z\",\"change\":\"weight\",\"old\":\"none\",\"new\":\"300\"}]}");
  }

  @Test
  void readsMinimalNodesAndIgnoresUnknownFields() throws Exception {
    assertThat(decode("{\"schema\":1,\"drain\":false,\"future\":{\"x\":1}}"))
        .isEqualTo(new InstanceOverride("i-1", false, Optional.empty(), List.of()));
    assertThat(decode("{\"schema\":1,\"drain\":false,\"weight\":null,\"history\":[]}").weight())
        .isEmpty();
  }

  @Test
  void refusesWhatIsNotAValidOverride() {
    assertThat(reason("")).isEqualTo("empty payload");
    assertThat(reason("{not json")).startsWith("not JSON");
    assertThat(reason("[1]")).isEqualTo("not a JSON object");
    assertThat(reason("{\"drain\":true}")).contains("'schema' is missing");
    assertThat(reason("{\"schema\":2,\"drain\":true}")).contains("unknown override schema 2");
    assertThat(reason("{\"schema\":1}")).contains("'drain' is missing");
    assertThat(reason("{\"schema\":1,\"drain\":\"yes\"}")).contains("'drain'");
    assertThat(reason("{\"schema\":1,\"drain\":false,\"weight\":0}"))
        .isEqualTo("weight 0 is out of range (allowed: 1..10000)");
    assertThat(reason("{\"schema\":1,\"drain\":false,\"weight\":10001}"))
        .contains("weight 10001 is out of range");
    assertThat(reason("{\"schema\":1,\"drain\":false,\"weight\":\"300\"}")).contains("'weight'");
    assertThat(reason("{\"schema\":1,\"drain\":false,\"weight\":3000000000}"))
        .contains("'weight'");
    assertThat(reason("{\"schema\":1,\"drain\":false,\"history\":{}}"))
        .contains("'history' is not an array");
    assertThat(reason("{\"schema\":1,\"drain\":false,\"history\":[{\"who\":\"a\"}]}"))
        .contains("'when'");
    assertThat(reason("{\"schema\":1,\"drain\":false,\"history\":[{\"who\":\"a\",\"when\":"
        + "\"yesterday\",\"change\":\"drain\",\"old\":\"false\",\"new\":\"true\"}]}"))
        .contains("ISO-8601");
    assertThat(reason("{\"schema\":1,\"drain\":false,\"@class\":\"java.lang.Runtime\","
        + "\"history\":[{\"who\":{\"@class\":\"x\"}}]}")).contains("'who'");
    String huge = "{\"schema\":1,\"drain\":false,\"pad\":\"" + "x".repeat(5000) + "\"}";
    assertThat(reason(huge)).contains("exceeds 4096");
  }

  @Test
  void keepsTheNewestHistoryThatFits() throws Exception {
    List<Change> history = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      history.add(new Change("operator-" + "x".repeat(50), WHEN.plusSeconds(i), "weight",
          String.valueOf(i), String.valueOf(i + 1)));
    }
    InstanceOverride override = new InstanceOverride("i-1", false, Optional.of(100), history);

    byte[] bytes = OverrideCodec.encode(override);

    assertThat(bytes.length).isLessThanOrEqualTo(OverrideCodec.MAX_BYTES);
    List<Change> kept = OverrideCodec.decode("i-1", bytes).history();
    assertThat(kept.size()).isBetween(10, OverrideCodec.MAX_HISTORY);
    assertThat(kept).isEqualTo(history.subList(100 - kept.size(), 100));
  }

  @Test
  void checksOperatorNames() {
    assertThat(OverrideCodec.checkWho("alice@example.com")).isEqualTo("alice@example.com");
    for (String bad : new String[] {null, "", " ", "x".repeat(65), "a\nb"}) {
      assertThatThrownBy(() -> OverrideCodec.checkWho(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operator name");
    }
  }
}
