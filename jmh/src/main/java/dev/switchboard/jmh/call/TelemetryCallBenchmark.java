package dev.switchboard.jmh.call;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.rpc.Telemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
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
 * What telemetry adds to the full Switchboard stack's blocking unary call (the
 * {@code switchboard} stack of {@link CallOverheadBenchmark}), client side, in the same run:
 * {@code off} (nothing installed), {@code metrics} (gRPC's A66 metrics, gRPC's optional retry and
 * subchannel metrics and Switchboard's own, on an OpenTelemetry SDK meter provider with the
 * Prometheus reader, as {@code metricsPort} sets up; never scraped during the run) and
 * {@code metrics-tracing} (the same plus gRPC's A72 spans on an SDK tracer provider whose batch
 * processor hands them to an exporter that drops them).
 *
 * <p>The suite runs it as {@code call-telemetry}, with {@code -prof gc} for the allocation per
 * call; the report's telemetry section and target rows read the {@code transport} and
 * {@code telemetry} values below, so keep their names. Alone:
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar TelemetryCallBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TelemetryCallBenchmark {
  @Param({"inprocess", "netty"})
  String transport;

  @Param({"off", "metrics", "metrics-tracing"})
  String telemetry;

  private OpenTelemetrySdk sdk;
  private CallStack calls;
  private GreeterGrpc.GreeterBlockingStub stub;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Telemetry settings = Telemetry.disabled();
    if (!telemetry.equals("off")) {
      sdk = OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder()
              .registerMetricReader(PrometheusMetricReader.create()).build())
          .setTracerProvider(SdkTracerProvider.builder()
              .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build())
              .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
      settings = Telemetry.builder(sdk).tracing(telemetry.equals("metrics-tracing")).build();
    }
    calls = CallStack.start(transport, "switchboard", settings);
    stub = calls.stub(GreeterGrpc::newBlockingStub);
    calls.warmUp(1_000);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    calls.close();
    if (sdk != null) {
      sdk.close();
    }
  }

  @Benchmark
  public HelloReply unaryCall() {
    return stub.sayHello(CallStack.REQUEST);
  }

  /** Takes spans and drops them: the cost of making spans, not of shipping them. */
  private static final class DroppingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
