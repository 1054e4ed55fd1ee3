package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.BoundedLoad;
import dev.switchboard.loadbalance.select.EndpointLoad;
import dev.switchboard.loadbalance.select.KeyHash;
import dev.switchboard.loadbalance.select.MaglevTable;
import dev.switchboard.rpc.CallAttempts;
import dev.switchboard.rpc.EndpointAttributes;
import dev.switchboard.rpc.Explanation;
import dev.switchboard.rpc.HashKeys;
import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Weight-aware consistent hashing on a {@link MaglevTable}, with optional bounded load.
 *
 * <p>The table covers every resolved endpoint, READY or not, so a key keeps its endpoint while
 * others flap (or are ejected by failure accrual, which the walk passes like a failed endpoint);
 * it is rebuilt only when membership or weights change. A key whose endpoint is
 * still connecting waits for it (as gRPC's ring_hash does); otherwise the pick walks the table
 * from the key's slot to the first endpoint that is READY and, with bounded load, below
 * {@code ⌈c × (inFlight + 1) × weight / totalWeight⌉} calls in flight. The key comes from
 * {@link HashKeys#CALL_OPTION}, else the configured header, else {@link HashKeys#FIELD_OPTION}
 * (the request field); calls without one go to a random READY endpoint, with the budget and
 * failover of every other pick (a warning is logged once per channel).
 *
 * <p>Not thread-safe (synchronization context only); pickers are.
 */
final class ConsistentHashLoadBalancer extends EndpointListLoadBalancer {
  private static final Logger logger = Logger.getLogger(ConsistentHashLoadBalancer.class.getName());

  private Metadata.Key<String> header;
  private double loadFactor;
  private final AtomicBoolean warnedNoKey = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private MaglevTable table;
  private List<String> tableNames = List.of();
  private int[] tableWeights = new int[0];

  ConsistentHashLoadBalancer(Helper helper, LongSupplier nanoClock) {
    super(helper, nanoClock);
  }

  @Override
  protected boolean configure(Object config) {
    if (config instanceof BalancerConfigs.Hash hash
        && (!java.util.Objects.equals(hash.header(), header) || hash.loadFactor() != loadFactor)) {
      header = hash.header();
      loadFactor = hash.loadFactor();
      return true;
    }
    return false;
  }

  @Override
  protected boolean tracksEveryState() {
    return true;
  }

  @Override
  protected SubchannelPicker picker(List<EndpointView> all, List<EndpointView> ready) {
    List<EndpointView> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(EndpointView::name)); // every client builds the same table
    int n = sorted.size();
    List<String> names = new ArrayList<>(n);
    int[] weights = new int[n];
    for (int i = 0; i < n; i++) {
      names.add(sorted.get(i).name());
      weights[i] = EndpointAttributes.weight(sorted.get(i).attributes());
    }
    if (table == null || !names.equals(tableNames) || !Arrays.equals(weights, tableWeights)) {
      table = new MaglevTable(names.toArray(new String[0]), weights);
      tableNames = names;
      tableWeights = weights;
    }
    PickResult[] results = new PickResult[n];
    boolean[] connecting = new boolean[n];
    EndpointLoad[] loads = new EndpointLoad[n];
    double[] capacityShare = new double[n];
    int[] readyIndexes = new int[ready.size()];
    long readyWeight = 0;
    for (int i = 0, r = 0; i < n; i++) {
      EndpointView endpoint = sorted.get(i);
      loads[i] = endpoint.load();
      connecting[i] = endpoint.connecting();
      if (endpoint.usable()) {
        readyIndexes[r++] = i;
        readyWeight += weights[i];
        results[i] = loadFactor > 0
            ? pickResult(endpoint, true, false, inFlight)
            : pickResult(endpoint, false, false, null);
      }
    }
    for (int i = 0; i < n; i++) {
      capacityShare[i] = loadFactor * weights[i] / readyWeight;
    }
    return new Picker(table, List.copyOf(sorted), results, connecting, loads, capacityShare,
        readyIndexes, header, loadFactor > 0, inFlight, warnedNoKey, service());
  }

  static final class Picker extends SubchannelPicker implements IntPredicate, Failover.Chooser {
    private final MaglevTable table;
    private final List<EndpointView> endpoints; // in table index order
    private final PickResult[] results; // null where not READY
    private final boolean[] connecting;
    private final EndpointLoad[] loads;
    private final double[] capacityShare;
    private final int[] readyIndexes;
    private final Metadata.Key<String> header;
    private final boolean bounded;
    private final AtomicInteger inFlight;
    private final AtomicBoolean warnedNoKey;
    private final String service;

    Picker(MaglevTable table, List<EndpointView> endpoints, PickResult[] results,
        boolean[] connecting, EndpointLoad[] loads, double[] capacityShare, int[] readyIndexes,
        Metadata.Key<String> header, boolean bounded, AtomicInteger inFlight,
        AtomicBoolean warnedNoKey, String service) {
      this.table = table;
      this.endpoints = endpoints;
      this.results = results;
      this.connecting = connecting;
      this.loads = loads;
      this.capacityShare = capacityShare;
      this.readyIndexes = readyIndexes;
      this.header = header;
      this.bounded = bounded;
      this.inFlight = inFlight;
      this.warnedNoKey = warnedNoKey;
      this.service = service;
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      String key = args.getCallOptions().getOption(HashKeys.CALL_OPTION);
      if (key == null && header != null) {
        key = args.getHeaders().get(header);
      }
      if (key == null) {
        key = args.getCallOptions().getOption(HashKeys.FIELD_OPTION);
      }
      if (key == null) {
        if (warnedNoKey.compareAndSet(false, true)) {
          logger.log(Level.WARNING, "Calls to {0} carry no hash key (call option, header"
              + " or request field): they are spread at random, without affinity", service);
        }
        return Failover.pick(args, this, readyIndexes.length); // budget and failover still hold
      }
      long hash = KeyHash.hash(key);
      Explanation explanation = args.getCallOptions().getOption(Explanation.KEY);
      if (explanation != null) {
        return pickExplained(args, hash, explanation.pick(args.getHeaders()));
      }
      CallAttempts attempts = args.getCallOptions().getOption(CallAttempts.KEY);
      int previous = attempts == null ? 0 : CallAttempts.previousAttempts(args.getHeaders());
      if (previous > 0) {
        // A retry or hedge: the next endpoint of the table that this call has not tried.
        if (!attempts.admit(previous, args.getCallOptions().getDeadline())) {
          return Failover.REFUSED;
        }
        PickResult result = results[selectUntried(hash, attempts, previous)];
        attempts.record(previous, result.getSubchannel());
        return result;
      }
      if (connecting[table.lookup(hash)]) {
        // The key's own instance is still connecting (e.g. the channel just started): wait for
        // it rather than send the key elsewhere. Failed instances are walked past instead.
        return PickResult.withNoResult();
      }
      PickResult result = results[select(hash)];
      if (attempts != null) {
        attempts.record(0, result.getSubchannel());
      }
      return result;
    }

    /**
     * The explained twin of a keyed pick: the same decisions (budget, waiting for the key's
     * connecting endpoint, the walk from the key's slot), written down as {@code key_hash},
     * {@code slot}, {@code walk} (each endpoint passed over, once, and why), {@code excluded}.
     */
    private PickResult pickExplained(PickSubchannelArgs args, long hash,
        Explanation.Attempt attempt) {
      CallAttempts attempts = args.getCallOptions().getOption(CallAttempts.KEY);
      int previous = attempts == null ? 0 : CallAttempts.previousAttempts(args.getHeaders());
      attempt.fact("key_hash", String.format("%016x", hash))
          .fact("slot", table.slot(hash) + "/" + table.size());
      if (previous > 0 && !attempts.admit(previous, args.getCallOptions().getDeadline())) {
        attempt.fact("refused", ExplainFacts.REFUSED);
        return Failover.REFUSED;
      }
      int own = table.lookup(hash);
      if (previous == 0 && connecting[own]) {
        attempt.picked(ExplainFacts.label(endpoints.get(own))).fact("waiting", "connecting");
        return PickResult.withNoResult();
      }
      StringBuilder walk = new StringBuilder("[");
      int index = walk(hash, previous > 0 ? attempts : null, previous, walk);
      boolean untried = index >= 0;
      if (index < 0) {
        walk.append(walk.length() > 1 ? ", " : "").append(previous > 0
            ? "every_ready_instance_tried: round_again" : "none_under_cap: first_ready");
        index = previous > 0 ? walk(hash, null, 0, new StringBuilder()) : -1;
        index = index >= 0 ? index : readyIndexes[0];
      }
      PickResult result = results[index];
      if (attempts != null) {
        attempts.record(previous, result.getSubchannel());
      }
      attempt.picked(ExplainFacts.label(endpoints.get(index)))
          .fact("walk", walk.append(']').toString())
          .fact("excluded", ExplainFacts.excluded(endpoints));
      if (previous > 0) {
        attempt.fact("failover", untried ? "untried_instance" : "every_instance_tried");
      }
      return result;
    }

    /**
     * Walks the table from {@code hash}'s slot as {@link #select} and {@link #selectUntried} do
     * (untried only if {@code attempts} is given), appending each endpoint passed over to
     * {@code passed} once; returns the endpoint found, or -1.
     */
    private int walk(long hash, CallAttempts attempts, int attempt, StringBuilder passed) {
      int start = table.slot(hash);
      boolean[] seen = new boolean[results.length];
      for (int step = 0; step < table.size(); step++) {
        int index = table.endpointAt(start + step);
        String why;
        if (results[index] == null) {
          why = ExplainFacts.exclusion(endpoints.get(index));
        } else if (!test(index)) {
          why = "bounded_load inflight=" + loads[index].inFlight() + " cap="
              + (long) BoundedLoad.cap(inFlight.get(), capacityShare[index]);
        } else if (attempts != null && attempts.tried(results[index].getSubchannel(), attempt)) {
          why = "tried";
        } else {
          return index;
        }
        if (!seen[index]) {
          seen[index] = true;
          passed.append(passed.length() > 1 ? ", " : "")
              .append(ExplainFacts.label(endpoints.get(index))).append(": ").append(why);
        }
      }
      return -1;
    }

    /** A keyless call's choice: a random READY endpoint. */
    @Override
    public PickResult choose() {
      return results[readyIndexes[ThreadLocalRandom.current().nextInt(readyIndexes.length)]];
    }

    /** A keyless call's explained choice: the random READY endpoint, and that it had no key. */
    @Override
    public Failover.Explained explained() {
      return new Failover.Explained() {
        private int index = -1;

        @Override
        public PickResult choose() {
          index = readyIndexes[ThreadLocalRandom.current().nextInt(readyIndexes.length)];
          return results[index];
        }

        @Override
        public PickResult candidate(int candidate) {
          index = readyIndexes[candidate];
          return results[index];
        }

        @Override
        public void describe(Explanation.Attempt attempt) {
          attempt.picked(ExplainFacts.label(endpoints.get(index)))
              .fact("key", "none_random")
              .fact("excluded", ExplainFacts.excluded(endpoints));
        }
      };
    }

    @Override
    public PickResult candidate(int index) {
      return results[readyIndexes[index]];
    }

    private int selectUntried(long hash, CallAttempts attempts, int attempt) {
      int start = table.slot(hash);
      for (int step = 0; step < table.size(); step++) {
        int index = table.endpointAt(start + step);
        if (test(index) && !attempts.tried(results[index].getSubchannel(), attempt)) {
          return index;
        }
      }
      return select(hash); // every READY endpoint was tried: go round again
    }

    /** Returns the endpoint for a key hash: the first acceptable one from the key's slot on. */
    int select(long hash) {
      int index = table.walk(hash, this);
      return index >= 0 ? index : readyIndexes[0]; // -1 only if no READY endpoint is under cap
    }

    /** Accepts a READY endpoint that, with bounded load, has room for one more call. */
    @Override
    public boolean test(int index) {
      if (results[index] == null) {
        return false;
      }
      return !bounded || BoundedLoad.hasRoom(loads[index].inFlight(), inFlight.get(),
          capacityShare[index]);
    }

    @Override
    public String toString() {
      return "ConsistentHashPicker{endpoints=" + results.length + ", table=" + table.size()
          + ", bounded=" + bounded + "}";
    }
  }
}
