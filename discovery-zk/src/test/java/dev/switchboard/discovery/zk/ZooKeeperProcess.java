package dev.switchboard.discovery.zk;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.zookeeper.server.ZooKeeperServerMain;

/**
 * A real standalone ZooKeeper server ({@link ZooKeeperServerMain}, the class {@code zkServer.sh}
 * runs) in its own JVM on loopback, so a test can stop the process itself
 * ({@code SIGSTOP}/{@code SIGCONT}) rather than an in-JVM stand-in. Thread-safe.
 */
final class ZooKeeperProcess implements AutoCloseable {
  private final ChildJvm jvm;
  private final int port;

  private ZooKeeperProcess(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /** Starts a server with a 200 ms tick (sessions of 0.4 to 4 s) and waits until it serves. */
  static ZooKeeperProcess start() throws Exception {
    return start("");
  }

  /**
   * Starts a server as {@link #start()} does, with {@code extraConfig} (zoo.cfg lines) appended,
   * e.g. a {@code secureClientPort} and its TLS stores.
   */
  static ZooKeeperProcess start(String extraConfig) throws Exception {
    int port = freePort();
    Path directory = Files.createTempDirectory(Path.of("target"), "zookeeper-");
    Path config = directory.resolve("zoo.cfg");
    Files.writeString(config, String.join("\n",
        "tickTime=200",
        "dataDir=" + directory.resolve("data").toAbsolutePath(),
        "clientPort=" + port,
        "clientPortAddress=127.0.0.1",
        "admin.enableServer=false",
        "4lw.commands.whitelist=ruok,srvr",
        extraConfig));
    ChildJvm jvm = ChildJvm.start("zookeeper-" + port, ZooKeeperServerMain.class,
        line -> line.contains("binding to port") || line.contains("Started")
            || line.contains("Snapshot taken"), config.toAbsolutePath().toString());
    ZooKeeperProcess process = new ZooKeeperProcess(jvm, port);
    process.awaitServing();
    return process;
  }

  /** Returns a loopback port free at the time of the call. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void awaitServing() {
    await("ZooKeeper on port " + port + " answering ruok").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> FourLetterWords.ask("127.0.0.1", port, "ruok").equals("imok"));
  }


  String connectString() {
    return "127.0.0.1:" + port;
  }

  /** Freezes the server process (sockets stay open, nothing answers). */
  void suspend() throws IOException, InterruptedException {
    jvm.signal("STOP");
  }

  void resume() throws IOException, InterruptedException {
    jvm.signal("CONT");
  }

  @Override
  public void close() throws InterruptedException {
    jvm.kill9();
  }
}
