package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceCodecTest {
  private static final ProviderInstance INSTANCE = new ProviderInstance("10.0.0.7-50051-abcdefgh",
      "greeter", "10.0.0.7", 50051, InstanceState.SERVING, Instant.ofEpochMilli(1_764_150_000_000L),
      List.of(new ExportedService("helloworld.Greeter", 300, "az-1", "1.2.0", "canary",
          Map.of("team", "payments")), ExportedService.of("switchboard.test.Echo")));

  @Test
  void roundTrips() throws Exception {
    assertThat(InstanceCodec.decode(InstanceCodec.encode(INSTANCE))).isEqualTo(INSTANCE);
  }

  @Test
  void theTlsFlagRoundTripsAndIsWrittenOnlyWhenSet() throws Exception {
    ProviderInstance tls = new ProviderInstance(INSTANCE.instanceId(), INSTANCE.application(),
        INSTANCE.host(), INSTANCE.port(), INSTANCE.state(), INSTANCE.startedAt(),
        INSTANCE.services(), true);

    assertThat(InstanceCodec.decode(InstanceCodec.encode(tls))).isEqualTo(tls);
    assertThat(new String(InstanceCodec.encode(tls), StandardCharsets.UTF_8))
        .contains("\"tls\":true");
    assertThat(new String(InstanceCodec.encode(INSTANCE), StandardCharsets.UTF_8))
        .doesNotContain("tls"); // a plaintext instance's payload is what older readers knew
    String hostile = new String(InstanceCodec.encode(INSTANCE), StandardCharsets.UTF_8)
        .replace("\"schema\":1,", "\"schema\":1,\"tls\":\"yes\",");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> InstanceCodec.decode(hostile.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("'tls' is not true or false");
  }

  @Test
  void unknownFieldsAreIgnoredForForwardCompatibility() throws Exception {
    String json = new String(InstanceCodec.encode(INSTANCE), StandardCharsets.UTF_8)
        .replace("\"schema\":1,", "\"schema\":1,\"futureField\":{\"x\":[1,2]},");

    assertThat(InstanceCodec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(INSTANCE);
  }

  @Test
  void outOfRangeWeightsAreClamped() throws Exception {
    String json = new String(InstanceCodec.encode(INSTANCE), StandardCharsets.UTF_8)
        .replace("\"weight\":300", "\"weight\":2000000000")
        .replace("\"weight\":100", "\"weight\":-5");

    ProviderInstance decoded = InstanceCodec.decode(json.getBytes(StandardCharsets.UTF_8));

    assertThat(decoded.services().get(0).weight()).isEqualTo(10_000);
    assertThat(decoded.services().get(1).weight()).isEqualTo(1);
  }

  @Test
  void startTimesBefore2000AreClampedWithAWarning() throws Exception {
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    for (long millis : new long[] {0, -1, Long.MIN_VALUE, 1_764_150_000L}) {
      List<String> warnings = new ArrayList<>();

      ProviderInstance decoded = InstanceCodec.decode(withStartedAt(millis), now, warnings::add);

      assertThat(decoded.startedAt()).isEqualTo(InstanceCodec.MIN_STARTED_AT);
      assertThat(warnings).singleElement().asString()
          .contains("startedAtMs " + millis).contains("2000-01-01T00:00:00Z");
    }
  }

  @Test
  void startTimesFarInTheFutureAreRejected() throws Exception {
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    long tomorrow = now.plus(InstanceCodec.MAX_STARTED_AT_AHEAD).toEpochMilli();
    List<String> warnings = new ArrayList<>();

    assertThat(InstanceCodec.decode(withStartedAt(tomorrow), now, warnings::add).startedAt())
        .isEqualTo(Instant.ofEpochMilli(tomorrow));
    assertThat(InstanceCodec.decode(withStartedAt(
        InstanceCodec.MIN_STARTED_AT.toEpochMilli()), now, warnings::add).startedAt())
        .isEqualTo(InstanceCodec.MIN_STARTED_AT);
    assertThat(warnings).isEmpty();
    for (long millis : new long[] {tomorrow + 1, Long.MAX_VALUE}) {
      assertThatThrownBy(() -> InstanceCodec.decode(withStartedAt(millis), now, warnings::add))
          .isInstanceOf(InvalidPayloadException.class)
          .hasMessageContaining("startedAtMs " + millis)
          .hasMessageContaining("ahead of this reader's clock");
    }
  }

  private static byte[] withStartedAt(long millis) {
    return valid().replace("\"startedAtMs\":1764150000000", "\"startedAtMs\":" + millis)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void invalidPayloadsAreRejectedWithAReason() {
    assertRejected("", "empty payload");
    assertRejected("not json at all", "not JSON");
    assertRejected("[1,2]", "not a JSON object");
    assertRejected(valid().replace("\"schema\":1", "\"schema\":2"), "unknown schema 2");
    assertRejected(valid().replace("\"port\":50051", "\"port\":\"50051\""), "'port'");
    assertRejected(valid().replace("\"port\":50051", "\"port\":70000"), "port 70000");
    assertRejected(valid().replace("\"state\":\"SERVING\"", "\"state\":\"MAYBE\""),
        "unknown state 'MAYBE'");
    assertRejected(valid().replace("\"host\":\"10.0.0.7\",", ""), "'host' is missing");
    assertRejected(valid().replace("\"team\":\"payments\"", "\"team\":42"),
        "metadata 'team' is not a string");
    assertRejected(valid().replace("\"name\":\"helloworld.Greeter\"", "\"name\":\"a/b\""),
        "service name 'a/b' is invalid");
    assertRejected("{\"schema\":1,\"@class\":\"java.lang.Runtime\"}", "'services'");
    assertRejected(valid().replace("\"team\":\"payments\"",
        "\"team\":\"" + "x".repeat(5_000) + "\""), "exceeds 4096");
  }

  @Test
  void oversizedInstancesCannotBeEncoded() {
    ProviderInstance huge = new ProviderInstance("id", "app", "h", 1, InstanceState.SERVING,
        Instant.EPOCH, List.of(new ExportedService("a.B", 1, "", "", "",
            Map.of("blob", "y".repeat(5_000)))));

    assertThatThrownBy(() -> InstanceCodec.encode(huge))
        .hasMessageContaining("allowed: <= 4096");
  }

  private static String valid() {
    return new String(InstanceCodec.encode(INSTANCE), StandardCharsets.UTF_8);
  }

  private static void assertRejected(String json, String reason) {
    assertThatThrownBy(() -> InstanceCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining(reason);
  }
}
