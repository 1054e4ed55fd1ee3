package dev.switchboard.jmh.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The report's Dubbo section: Dubbo 3 over Triple beside raw grpc-java and Switchboard over
 * Netty, per stack the blocking-call latency (mean, p50, p99), the blocking throughput on 1 and 8
 * threads and the async throughput with 64 in flight, each with its ratio to
 * {@code dubbo-triple}'s. Stateless.
 */
final class DubboSection {
  private DubboSection() {}

  /** Returns the section from the {@code dubbo-triple} results. */
  static String markdown(Loaded<JmhResults> results) {
    StringBuilder out = new StringBuilder("## Dubbo 3 over Triple, side by side\n\n");
    out.append("`DubboTripleBenchmark`, one Greeter unary call over Netty on loopback, every"
        + " stack in one run with its own server and client (one HTTP/2 connection each):"
        + " `dubbo-triple` a Dubbo 3.3 provider and consumer over Triple (direct URL, no"
        + " registry, a 5 s timeout, otherwise Dubbo's defaults; protobuf messages, as gRPC sends"
        + " them); `raw`, `raw-deadline`, `switchboard` and `switchboard-lean` as in the call"
        + " sections. Dubbo arms a timeout on every call, so its closest rows are `raw-deadline`"
        + " and `switchboard`. Latency is sample mode on one thread; throughput is blocking calls"
        + " per second on 1 and 8 threads sharing one client, and async calls per second with at"
        + " most 64 in flight. ± is JMH's 99.9 % interval; each ÷ column is the stack's figure"
        + " over `dubbo-triple`'s.\n\n");
    if (!CallSection.measured(out, results)) {
      return out.toString();
    }
    MarkdownTable table = new MarkdownTable("stack", "mean, µs", "p50, µs", "p99, µs",
        "p50 ÷ Dubbo", "1 thread, calls/s", "÷ Dubbo", "8 threads, calls/s", "÷ Dubbo",
        "async 64 in flight, calls/s", "÷ Dubbo");
    for (String stack : CallStacks.DUBBO_STACKS) {
      Optional<JmhResult> latency = CallStacks.findDubbo(results, CallStacks.DUBBO_LATENCY,
          stack);
      List<Object> row = new ArrayList<>(List.of("`" + stack + "`", score(latency),
          latency.map(r -> Fmt.num(CallStacks.p50(r))).orElse("not run"),
          latency.map(r -> Fmt.num(r.percentile(99.0).orElse(Double.NaN))).orElse("not run"),
          ratio(results, CallStacks.DUBBO_LATENCY, latency, CallStacks::p50)));
      for (CallStacks.Rate rate : CallStacks.DUBBO_RATES) {
        Optional<JmhResult> result = CallStacks.findDubbo(results, rate.method(), stack);
        row.add(score(result));
        row.add(ratio(results, rate.method(), result, r -> r.primary().score()));
      }
      table.row(row.toArray());
    }
    return out.append(table).append('\n').toString();
  }

  private static String score(Optional<JmhResult> result) {
    return result.map(r -> Fmt.withError(r.primary().score(), r.primary().error()))
        .orElse("not run");
  }

  private static String ratio(Loaded<JmhResults> results, String method,
      Optional<JmhResult> result, ToDoubleFunction<JmhResult> figure) {
    Optional<JmhResult> dubbo = CallStacks.findDubbo(results, method, CallStacks.DUBBO_TRIPLE);
    return result.isEmpty() || dubbo.isEmpty() ? "not run"
        : Fmt.ratio(figure.applyAsDouble(result.get()) / figure.applyAsDouble(dubbo.get()));
  }
}
