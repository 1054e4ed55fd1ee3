package dev.switchboard.jmh.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The report's pick-cost section: ns and B/op per balancer × N, on 1 and 2 threads, each
 * Switchboard policy with the ratio of gRPC's and Dubbo's corresponding picker to it (how many
 * times faster it is). Stateless.
 */
final class PickSection {
  private PickSection() {}

  /** Returns the section from the 1-thread and 2-thread results. */
  static String markdown(Loaded<JmhResults> oneThread, Loaded<JmhResults> twoThreads) {
    StringBuilder out = new StringBuilder("## Pick cost (ns per pick)\n\n");
    out.append("`PickBenchmark` drives each balancer through its real picker, outside a channel"
        + " (`BalancerHarness`: stand-in subchannels that turn READY when asked to connect),"
        + " over N endpoints of equal weight. Hash balancers get a different key on every pick"
        + " from 1,024 precomputed call options: Switchboard's consistent hash a string key that"
        + " it hashes in the pick; gRPC's ring_hash a precomputed 64-bit hash, as its xDS"
        + " resolver supplies it. `DubboPickBenchmark` calls Dubbo's `LoadBalance.select` over"
        + " stand-in invokers, as its cluster invoker does. gRPC's `weighted_round_robin` has no"
        + " ORCA load reports here, so it runs its equal-weight path. \"× faster\" is the"
        + " counterpart's ns per pick over Switchboard's, 1 thread; ± is JMH's 99.9 %"
        + " interval.\n\n");
    if (!oneThread.present() && !twoThreads.present()) {
      return out.append(oneThread.sentence()).append(' ').append(twoThreads.sentence())
          .append("\n\n").toString();
    }
    CallSection.settings(out, "1 thread, with `-prof gc`", oneThread);
    CallSection.settings(out, "2 threads", twoThreads);
    out.append('\n');
    for (String endpoints : endpoints(oneThread, twoThreads)) {
      out.append("### N = ").append(endpoints).append(" endpoints\n\n");
      MarkdownTable table = new MarkdownTable("balancer", "ns/pick, 1 thread", "B/op",
          "ns/pick, 2 threads", "gRPC counterpart", "× faster", "Dubbo counterpart",
          "× faster");
      for (String policy : policies(oneThread, twoThreads, PickPolicies.PICK)) {
        Optional<JmhResult> one = get(oneThread, PickPolicies.PICK, policy, endpoints);
        Optional<JmhResult> two = get(twoThreads, PickPolicies.PICK, policy, endpoints);
        if (one.isEmpty() && two.isEmpty()) {
          continue;
        }
        List<Object> row = new ArrayList<>(List.of(PickPolicies.label(policy),
            score(oneThread, one), allocation(oneThread, one), score(twoThreads, two)));
        if (PickPolicies.SWITCHBOARD.contains(policy)) {
          String grpc = PickPolicies.GRPC.get(policy);
          String dubbo = PickPolicies.DUBBO.get(policy);
          row.addAll(List.of(PickPolicies.label(grpc),
              faster(get(oneThread, PickPolicies.PICK, grpc, endpoints), one),
              PickPolicies.label(dubbo),
              faster(get(oneThread, PickPolicies.DUBBO_PICK, dubbo, endpoints), one)));
        }
        table.row(row.toArray());
      }
      for (String policy : policies(oneThread, twoThreads, PickPolicies.DUBBO_PICK)) {
        Optional<JmhResult> one = get(oneThread, PickPolicies.DUBBO_PICK, policy, endpoints);
        Optional<JmhResult> two = get(twoThreads, PickPolicies.DUBBO_PICK, policy, endpoints);
        if (one.isPresent() || two.isPresent()) {
          table.row(PickPolicies.label(policy), score(oneThread, one),
              allocation(oneThread, one), score(twoThreads, two));
        }
      }
      out.append(table).append('\n');
    }
    return out.toString();
  }

  private static Optional<JmhResult> get(Loaded<JmhResults> results, String benchmark,
      String policy, String endpoints) {
    if (!results.present()) {
      return Optional.empty();
    }
    return benchmark.equals(PickPolicies.PICK)
        ? PickPolicies.pick(results.value(), policy, endpoints)
        : PickPolicies.dubbo(results.value(), policy, endpoints);
  }

  private static Set<String> endpoints(Loaded<JmhResults> one, Loaded<JmhResults> two) {
    Set<String> values = new LinkedHashSet<>();
    for (Loaded<JmhResults> results : List.of(one, two)) {
      if (results.present()) {
        values.addAll(results.value().values(PickPolicies.PICK, "endpoints"));
        values.addAll(results.value().values(PickPolicies.DUBBO_PICK, "endpoints"));
      }
    }
    List<String> sorted = new ArrayList<>(values);
    sorted.sort((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
    return new LinkedHashSet<>(sorted);
  }

  /** Switchboard's policies first, then gRPC's or Dubbo's, in report order, then others. */
  private static List<String> policies(Loaded<JmhResults> one, Loaded<JmhResults> two,
      String benchmark) {
    Set<String> found = new LinkedHashSet<>();
    for (Loaded<JmhResults> results : List.of(one, two)) {
      if (results.present()) {
        found.addAll(results.value().values(benchmark, "policy"));
      }
    }
    List<String> order = new ArrayList<>(PickPolicies.SWITCHBOARD);
    order.addAll(PickPolicies.GRPC_ORDER);
    order.addAll(PickPolicies.DUBBO_ORDER);
    List<String> ordered = new ArrayList<>();
    for (String policy : order) {
      if (found.remove(policy)) {
        ordered.add(policy);
      }
    }
    ordered.addAll(found);
    return ordered;
  }

  private static String score(Loaded<JmhResults> results, Optional<JmhResult> result) {
    if (!results.present()) {
      return "not run";
    }
    return result.map(r -> Fmt.withError(r.primary().score(), r.primary().error()))
        .orElse("not run");
  }

  private static String allocation(Loaded<JmhResults> results, Optional<JmhResult> result) {
    if (!results.present() || result.isEmpty()) {
      return "—";
    }
    return result.get().allocationPerOp().isPresent()
        ? Fmt.bytes(result.get().allocationPerOp().getAsDouble()) : "—";
  }

  private static String faster(Optional<JmhResult> counterpart, Optional<JmhResult> ours) {
    if (counterpart.isEmpty() || ours.isEmpty()) {
      return "not run";
    }
    return Fmt.ratio(counterpart.get().primary().score() / ours.get().primary().score());
  }
}
