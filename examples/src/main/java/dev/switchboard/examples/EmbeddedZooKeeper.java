package dev.switchboard.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A standalone ZooKeeper server inside this JVM, on loopback, with its data in a temporary
 * directory that is deleted on close. For examples only: production runs a real ensemble.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private final ZooKeeperServerEmbedded server;
  private final Path dataDir;
  private final String connectString;

  private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, Path dataDir, String connectString) {
    this.server = server;
    this.dataDir = dataDir;
    this.connectString = connectString;
  }

  /** Starts a server on a free loopback port and waits until it serves. */
  public static EmbeddedZooKeeper start() throws Exception {
    Path dataDir = Files.createTempDirectory("switchboard-zk");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", "127.0.0.1");
    config.setProperty("admin.enableServer", "false");
    config.setProperty("tickTime", "500");
    // a throwaway data directory: no fsync per write, which stalls on a busy disk
    config.setProperty("forceSync", "no");
    ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
        .baseDir(dataDir)
        .configuration(config)
        .exitHandler(ExitHandler.LOG_ONLY)
        .build();
    server.start(30_000);
    return new EmbeddedZooKeeper(server, dataDir, "127.0.0.1:" + port);
  }

  /** Returns {@code host:port} to connect to. */
  public String connectString() {
    return connectString;
  }

  @Override
  public void close() {
    server.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
