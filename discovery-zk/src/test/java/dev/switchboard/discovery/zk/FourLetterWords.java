package dev.switchboard.discovery.zk;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends a ZooKeeper four-letter command ({@code ruok}, {@code srvr}). Thread-safe. */
final class FourLetterWords {
  private FourLetterWords() {}

  /** Returns the server's answer, or an empty string if it cannot be reached. */
  static String ask(String host, int port, String command) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1_000);
      socket.setSoTimeout(2_000);
      socket.getOutputStream().write(command.getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    }
  }
}
