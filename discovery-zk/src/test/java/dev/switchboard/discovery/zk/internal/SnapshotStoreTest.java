package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final String SERVICE = "helloworld.Greeter";

  @TempDir
  Path directory;

  private static ProviderInstance instance(int port) {
    return new ProviderInstance(ProviderInstance.newInstanceId("10.0.0.1", port), "greeter",
        "10.0.0.1", port, InstanceState.SERVING, NOW, List.of(ExportedService.of(SERVICE)));
  }

  private SnapshotStore store(Instant now) {
    return new SnapshotStore(SnapshotStore.directoryFor(directory, "zk1:2181,zk2:2181", "/prod"),
        Duration.ofDays(1), Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void writtenSnapshotIsReadBack() {
    List<ProviderInstance> instances = List.of(instance(1), instance(2));
    store(NOW).write(SERVICE, instances);

    SnapshotStore.Snapshot snapshot = store(NOW.plusSeconds(60)).read(SERVICE).orElseThrow();
    assertThat(snapshot.instances()).isEqualTo(instances);
    assertThat(snapshot.writtenAt()).isEqualTo(NOW);
    assertThat(snapshot.skipped()).isZero();
    assertThat(store(NOW).read("other.Service")).isEmpty();
  }

  @Test
  void oldSnapshotIsIgnored() {
    store(NOW).write(SERVICE, List.of(instance(1)));

    assertThat(store(NOW.plus(Duration.ofDays(1)).plusSeconds(1)).read(SERVICE)).isEmpty();
  }

  @Test
  void damagedSnapshotIsIgnoredAndBadEntriesSkipped() throws Exception {
    ProviderInstance second = instance(2);
    store(NOW).write(SERVICE, List.of(instance(1), second));
    Path file;
    try (var files = Files.walk(directory)) {
      file = files.filter(p -> p.toString().endsWith(SERVICE + ".json")).findFirst()
          .orElseThrow();
    }
    String json = Files.readString(file);
    Files.writeString(file, json.replaceFirst("\"port\":1,", "\"port\":\"1\","));
    SnapshotStore.Snapshot damaged = store(NOW).read(SERVICE).orElseThrow();
    assertThat(damaged.instances()).containsExactly(second);
    assertThat(damaged.skipped()).isEqualTo(1);

    Files.writeString(file, "{not json");
    assertThat(store(NOW).read(SERVICE)).isEmpty();
  }
}
