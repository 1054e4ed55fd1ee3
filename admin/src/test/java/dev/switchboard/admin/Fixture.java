package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.RpcService;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Providers and command runs for the admin tests: real servers, a real ZooKeeper. */
final class Fixture {
  static final String SERVICE = "helloworld.Greeter";
  private static final AtomicInteger roots = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixture() {}

  /** A fresh registry root on {@code connect}, so tests never see each other's instances. */
  static String registry(String connect, String name) {
    return "zk://" + connect + "/admin-" + name + "-" + roots.incrementAndGet();
  }

  /** A Greeter provider of application greeter, on loopback, registered in {@code registry}. */
  static RpcServer provider(String registry, Object greeter, int weight, String zone) {
    return RpcServer.builder()
        .application("greeter")
        .registry(registry)
        .bindAddress("127.0.0.1")
        .weight(weight)
        .zone(zone)
        .drainPeriod(Duration.ofMillis(200))
        .shutdownGrace(Duration.ofSeconds(2))
        .shutdownHook(false)
        .addService(greeter)
        .build()
        .start();
  }

  static String id(RpcServer server) {
    return server.instance().instanceId();
  }

  /** What one run of the command printed and returned. */
  record Result(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + out, e);
      }
    }

    List<JsonNode> jsonLines() {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          try {
            lines.add(JSON.readTree(line));
          } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
          }
        }
      }
      return lines;
    }

    /** Asserts the run failed with {@code code} and exactly one line on stderr. */
    Result failsWith(int code) {
      assertThat(exit).as("exit code; stdout: %s stderr: %s", out, err).isEqualTo(code);
      assertThat(err.strip().lines().count()).as("stderr lines: %s", err).isEqualTo(1);
      assertThat(err).startsWith("switchboard: ");
      return this;
    }

    Result succeeds() {
      assertThat(exit).as("exit code; stdout: %s stderr: %s", out, err).isZero();
      return this;
    }
  }

  /** Runs the command in this JVM. */
  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Switchboard.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** A Greeter whose registry metadata is hostile markup and terminal escapes. */
  @RpcService(version = "2.0.0-rc1", metadata = {
      "note=<img src=x onerror=\"window.pwned=1\"><script>window.pwned=1</script>",
      "team=greetings"})
  static final class HostileGreeter extends GreeterGrpc.GreeterImplBase {
    private final String name;

    HostileGreeter(String name) {
      this.name = name;
    }

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
      responses.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName())
          .setServedBy(name).build());
      responses.onCompleted();
    }
  }
}
