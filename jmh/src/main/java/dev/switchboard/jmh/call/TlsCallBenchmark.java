package dev.switchboard.jmh.call;

import dev.switchboard.examples.tls.DemoTls;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The steady-state cost of mutual TLS per blocking unary call over Netty on loopback (handshakes
 * happen in the set-up and warm-up, not in the measurement), in one run:
 *
 * <ul>
 *   <li>{@code raw-plaintext}: plain grpc-java, plaintext;
 *   <li>{@code raw-tls}: plain grpc-java with {@code TlsChannelCredentials} /
 *       {@code TlsServerCredentials}, mutual TLS with the same certificates: the baseline;
 *   <li>{@code switchboard-tls}: an {@code RpcClient} stub with {@code ClientTls} (identity check,
 *       file watching) on the same TLS server, found through a memory registry.
 * </ul>
 *
 * <p>The certificates are the secure quick start's demo ones. Which TLS implementation ran
 * (the JDK's, or netty-tcnative's OpenSSL/BoringSSL when on the class path) is printed at set-up;
 * the suite's report reads that {@code TLS implementation: } line from the step's captured
 * output, so keep its wording. The suite runs it twice, as {@code call-tls} (Netty's default,
 * BoringSSL) and {@code call-tls-jdk} ({@code -Dio.netty.handler.ssl.noOpenSsl=true}); alone:
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar TlsCallBenchmark
 * java -jar jmh/target/benchmarks.jar TlsCallBenchmark \
 *     -jvmArgsAppend -Dio.netty.handler.ssl.noOpenSsl=true
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TlsCallBenchmark {
  private static final HelloRequest REQUEST = HelloRequest.newBuilder().setName("bench").build();

  @Param({"raw-plaintext", "raw-tls", "switchboard-tls"})
  String stack;

  private Path dir;
  private Server server;
  private ManagedChannel channel;
  private Registry registry;
  private RpcClient client;
  private GreeterGrpc.GreeterBlockingStub stub;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("switchboard-tls-bench");
    DemoTls demo = DemoTls.in(dir);
    boolean tls = !stack.equals("raw-plaintext");
    server = Grpc.newServerBuilderForPort(0, tls
            ? TlsServerCredentials.newBuilder()
                .keyManager(dir.resolve("greeter.pem").toFile(), dir.resolve("greeter.key").toFile())
                .trustManager(dir.resolve("ca.pem").toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build()
            : InsecureServerCredentials.create())
        .addService(new GreeterGrpc.GreeterImplBase() {
          @Override
          public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
            responses.onNext(HelloReply.newBuilder().setMessage("hi").build());
            responses.onCompleted();
          }
        })
        .build().start();
    System.out.println("TLS implementation: " + (io.netty.handler.ssl.OpenSsl.isAvailable()
        ? "OpenSSL (netty-tcnative " + io.netty.handler.ssl.OpenSsl.versionString() + ")"
        : "the JDK's (" + System.getProperty("java.vendor") + " "
            + System.getProperty("java.version") + ")"));
    if (stack.equals("switchboard-tls")) {
      String uri = "memory://tls-bench-" + System.nanoTime();
      registry = RegistryProviders.loadDefault().open(uri);
      registry.register(new ProviderInstance(
          ProviderInstance.newInstanceId("127.0.0.1", server.getPort()), "bench", "127.0.0.1",
          server.getPort(), InstanceState.SERVING, Instant.EPOCH,
          List.of(ExportedService.of("helloworld.Greeter")), true));
      client = RpcClient.builder().registry(uri)
          .tls(demo.clientTls("helloworld.Greeter")).build();
      stub = client.stub(GreeterGrpc::newBlockingStub);
    } else {
      channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), tls
              ? TlsChannelCredentials.newBuilder()
                  .keyManager(dir.resolve("consumer.pem").toFile(),
                      dir.resolve("consumer.key").toFile())
                  .trustManager(dir.resolve("ca.pem").toFile()).build()
              : InsecureChannelCredentials.create())
          .overrideAuthority("localhost") // a DNS SAN of the demo certificates
          .build();
      stub = GreeterGrpc.newBlockingStub(channel);
    }
    for (int i = 0; i < 1_000; i++) {
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(REQUEST);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    CallStack.close(client, channel, registry, server);
  }

  @Benchmark
  public HelloReply unaryCall() {
    return stub.sayHello(REQUEST);
  }
}
