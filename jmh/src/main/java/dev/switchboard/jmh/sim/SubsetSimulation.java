package dev.switchboard.jmh.sim;

import dev.switchboard.jmh.Flags;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.resolver.Subsetting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Subsetting for a large fleet, computed (no time involved): C clients each connect to k of N
 * providers. Switchboard's random subsetting ({@link Subsetting}, rendezvous hashing, a random
 * seed per client, no coordination) against the deterministic subsetting of Google's SRE book
 * (which needs every client to know its index 0..C-1 in the fleet). Measured: connections per
 * provider (min, max, max ÷ mean; with equal traffic per client this is also the spread of load),
 * and, when 1 % of the providers leave, the share of clients whose subset changes.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.sim.SubsetSimulation \
 *     [--clients 1000] [--providers 1000] [--seed 42] [--markdown docs/bench/subset-sim.md]
 * </pre>
 *
 * <p>Reproducible from the seed. Stateless.
 */
public final class SubsetSimulation {
  static final int[] SIZES = {10, 20, 50};

  private SubsetSimulation() {}

  /**
   * One row. Immutable.
   *
   * @param moved the share of clients whose subset changed when 1 % of the providers left
   */
  public record Row(String algorithm, int size, int min, int max, double mean, double moved) {}

  private static List<ServiceInstance> fleet(int providers) {
    List<ServiceInstance> fleet = new ArrayList<>(providers);
    for (int i = 0; i < providers; i++) {
      String host = "10." + (i / 250) + "." + (i % 250) + ".1";
      fleet.add(new ServiceInstance(host + "-9000-p" + i, "bench.Service", host, 9000, 100, "",
          "", "", InstanceState.SERVING, Instant.EPOCH, Map.of(), false));
    }
    return fleet;
  }

  /** Runs both algorithms for every size. */
  public static List<Row> run(int clients, int providers, long seed) {
    List<ServiceInstance> fleet = fleet(providers);
    SplittableRandom leaving = new SplittableRandom(seed);
    Set<Integer> gone = new HashSet<>();
    while (gone.size() < Math.max(1, providers / 100)) {
      gone.add(leaving.nextInt(providers));
    }
    List<ServiceInstance> after = new ArrayList<>();
    for (int i = 0; i < providers; i++) {
      if (!gone.contains(i)) {
        after.add(fleet.get(i));
      }
    }
    Map<String, Integer> indexOf = new java.util.HashMap<>();
    for (int i = 0; i < providers; i++) {
      indexOf.put(fleet.get(i).instanceId(), i);
    }
    List<Row> rows = new ArrayList<>();
    for (int size : SIZES) {
      SplittableRandom seeds = new SplittableRandom(seed ^ size);
      int[] connections = new int[providers];
      int moved = 0;
      for (int client = 0; client < clients; client++) {
        Subsetting subsetting = new Subsetting(size, seeds.nextLong());
        List<ServiceInstance> before = subsetting.select(fleet, i -> true);
        for (ServiceInstance chosen : before) {
          connections[indexOf.get(chosen.instanceId())]++;
        }
        moved += before.equals(subsetting.select(after, i -> true)) ? 0 : 1;
      }
      rows.add(row("random (rendezvous hashing)", size, connections, clients, moved));
      int[] deterministic = new int[providers];
      int movedDeterministic = 0;
      for (int client = 0; client < clients; client++) {
        List<Integer> subset = deterministic(client, providers, size, seed);
        for (int provider : subset) {
          deterministic[provider]++;
        }
        List<Integer> afterSubset = deterministic(client, providers - gone.size(), size, seed);
        movedDeterministic += renumbered(subset, gone).equals(afterSubset) ? 0 : 1;
      }
      rows.add(row("deterministic (SRE book, needs client indexes)", size, deterministic,
          clients, movedDeterministic));
    }
    return rows;
  }

  /** The SRE book's subsetting: clients in rounds, each round a shuffle of the providers. */
  static List<Integer> deterministic(int client, int providers, int size, long seed) {
    int subsetCount = Math.max(1, providers / size);
    int round = client / subsetCount;
    List<Integer> order = new ArrayList<>(providers);
    for (int i = 0; i < providers; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed * 31 + round));
    int subset = client % subsetCount;
    return List.copyOf(order.subList(subset * size, Math.min(providers, (subset + 1) * size)));
  }

  // The providers of a subset, numbered as in the fleet after the gone ones left (gone: -1).
  private static List<Integer> renumbered(List<Integer> subset, Set<Integer> gone) {
    List<Integer> numbers = new ArrayList<>();
    for (int provider : subset) {
      if (gone.contains(provider)) {
        numbers.add(-1);
        continue;
      }
      int below = 0;
      for (int g : gone) {
        below += g < provider ? 1 : 0;
      }
      numbers.add(provider - below);
    }
    return numbers;
  }

  private static Row row(String algorithm, int size, int[] connections, int clients,
      int moved) {
    int min = Integer.MAX_VALUE;
    int max = 0;
    long sum = 0;
    for (int count : connections) {
      min = Math.min(min, count);
      max = Math.max(max, count);
      sum += count;
    }
    return new Row(algorithm, size, min, max, (double) sum / connections.length,
        (double) moved / clients);
  }

  /** Returns the rows as the report's markdown table. */
  public static String markdown(List<Row> rows, int clients, int providers, long seed) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%d clients, %d providers, seed %d; when 1 %% of the providers leave, 'moved' is the"
            + " share of clients whose subset changes.%n%n", clients, providers, seed));
    out.append("| algorithm | k | connections per provider: min | max | mean | max ÷ mean |"
        + " moved |\n| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row row : rows) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.2f | %.1f %% |%n",
          row.algorithm(), row.size(), row.min(), row.max(), row.mean(), row.max() / row.mean(),
          100 * row.moved()));
    }
    return out.toString();
  }

  /** Runs the simulation; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    Map<String, String> flags =
        Flags.parse(args, List.of("clients", "providers", "seed", "markdown"));
    int clients = Flags.positiveInt(flags, "clients", 1000);
    int providers = Flags.positiveInt(flags, "providers", 1000);
    long seed = Long.parseLong(flags.getOrDefault("seed", "42"));
    String text = markdown(run(clients, providers, seed), clients, providers, seed);
    System.out.print(text);
    if (flags.containsKey("markdown")) {
      Files.writeString(Path.of(flags.get("markdown")), text);
    }
  }

}
