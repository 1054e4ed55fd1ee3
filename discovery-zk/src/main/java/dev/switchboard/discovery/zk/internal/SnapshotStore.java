package dev.switchboard.discovery.zk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.rpc.registry.ProviderInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the last known instances of each watched service on disk, one small JSON file per
 * service, written atomically, so that a consumer starting while ZooKeeper is down can still
 * call. Each instance is stored as its registry payload and read back through the same strict
 * {@link InstanceCodec}; a damaged file is ignored with a warning.
 *
 * <p>Thread-safe (files are replaced atomically; each watch writes only its own service).
 */
final class SnapshotStore {
  private static final Logger logger = LoggerFactory.getLogger(SnapshotStore.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_FILE_BYTES = 64 * 1024 * 1024;

  private final Path directory;
  private final Duration maxAge;
  private final Clock clock;

  /**
   * @param directory the directory of this registry's snapshots (one per connect string and
   *     root, see {@link #directoryFor})
   */
  SnapshotStore(Path directory, Duration maxAge, Clock clock) {
    this.directory = directory;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** Returns the snapshot directory of the registry at {@code connectString} + {@code root}. */
  static Path directoryFor(Path base, String connectString, String root) {
    return base.resolve(safe(connectString + root));
  }

  /**
   * A snapshot read back from disk.
   *
   * @param instances its valid instances
   * @param writtenAt when it was written, by the writer's clock
   * @param skipped how many invalid entries were left out of it
   */
  record Snapshot(List<ProviderInstance> instances, Instant writtenAt, int skipped) {}

  /** Replaces the snapshot of {@code service}; failures are logged, never thrown. */
  void write(String service, List<ProviderInstance> instances) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", 1);
    root.put("service", service);
    root.put("writtenAtMs", clock.millis());
    ArrayNode array = root.putArray("instances");
    try {
      for (ProviderInstance instance : instances) {
        array.add(MAPPER.readTree(InstanceCodec.encode(instance)));
      }
      Files.createDirectories(directory);
      Path target = file(service);
      Path temporary = Files.createTempFile(directory, ".snapshot-", ".tmp");
      try {
        Files.write(temporary, root.toString().getBytes(StandardCharsets.UTF_8));
        try {
          Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException | RuntimeException e) {
      logger.warn("Cannot write the registry snapshot of {} to {} ({})", service, directory,
          e.toString());
    }
  }

  /**
   * Returns the snapshot of {@code service} if one exists, is readable and is younger than the
   * maximum age; invalid entries in it are skipped.
   */
  Optional<Snapshot> read(String service) {
    Path file = file(service);
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        logger.warn("Ignoring registry snapshot {}: larger than {} bytes", file, MAX_FILE_BYTES);
        return Optional.empty();
      }
      JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
      if (root == null || !root.path("service").asText().equals(service)
          || root.path("schema").asInt() != 1 || !root.path("writtenAtMs").canConvertToLong()
          || !root.path("instances").isArray()) {
        logger.warn("Ignoring registry snapshot {}: not a snapshot of {}", file, service);
        return Optional.empty();
      }
      Instant writtenAt = Instant.ofEpochMilli(root.get("writtenAtMs").longValue());
      if (Duration.between(writtenAt, clock.instant()).compareTo(maxAge) > 0) {
        logger.warn("Ignoring registry snapshot {}: written at {}, older than {}", file,
            writtenAt, maxAge);
        return Optional.empty();
      }
      List<ProviderInstance> instances = new ArrayList<>();
      int skipped = 0;
      for (JsonNode node : root.get("instances")) {
        try {
          instances.add(InstanceCodec.decode(MAPPER.writeValueAsBytes(node), clock.instant(),
              warning -> logger.warn("Registry snapshot {}: {}", file, warning)));
        } catch (InvalidPayloadException e) {
          skipped++;
          logger.warn("Skipping an invalid instance in registry snapshot {}: {}", file,
              e.getMessage());
        }
      }
      return Optional.of(new Snapshot(List.copyOf(instances), writtenAt, skipped));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      logger.warn("Ignoring unreadable registry snapshot {} ({})", file, e.toString());
      return Optional.empty();
    }
  }

  private Path file(String service) {
    return directory.resolve(safe(service) + ".json");
  }

  private static String safe(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.startsWith(".") ? "_" + safe : safe;
  }
}
