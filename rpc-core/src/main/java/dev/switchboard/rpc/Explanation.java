package dev.switchboard.rpc;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of one explained call (see {@link Explain}), attempt by attempt: the SPI through
 * which balancers say why they picked what they picked. {@code RpcClient}'s interceptor attaches
 * one under {@link #KEY} to a call only when the call is explained and the rate limit allows, so
 * a picker does
 *
 * <pre>{@code
 * Explanation explanation = args.getCallOptions().getOption(Explanation.KEY);
 * if (explanation != null) {          // the only cost when explain is off: this lookup
 *   Explanation.Attempt attempt = explanation.pick(args.getHeaders());
 *   attempt.picked(instanceId);
 *   attempt.fact("candidates", "[a cost=0.31ms inflight=0, b cost=1.20ms inflight=1]");
 * }
 * }</pre>
 *
 * <p>and the interceptor adds the outcome (budget, status, the instance that served) when the
 * attempt ends, then logs {@link Attempt#line()}. Fact names are short lower-case words
 * ({@code candidates}, {@code excluded}, {@code slot}...); values must not contain request data
 * (hash keys, messages) and should be short. Switchboard's balancers write:
 *
 * <ul>
 *   <li>every one: {@code picked}, and {@code excluded}, the endpoints left out of the picker when
 *       it was built and why ({@code ejected} by failure accrual, {@code probing} after an
 *       ejection, or the state of one not READY: {@code connecting}, {@code idle},
 *       {@code transient_failure}); a retry or hedge adds {@code failover}
 *       ({@code untried_instance} or {@code every_instance_tried}) or
 *       {@code refused=retry_budget_or_deadline}; a probe call adds {@code probe}; a picker with
 *       no usable instance says {@code picked=none no_pick=no_usable_instance};
 *   <li>weighted round robin and random: {@code weight} of the picked endpoint, and
 *       {@code effective_weight} while it warms up;
 *   <li>least request and peak EWMA: {@code candidates}, the two sampled endpoints with their
 *       cost and calls in flight (and {@code compared_by=inflight} when peak EWMA found their
 *       latencies alike);
 *   <li>consistent hash: {@code key_hash} (the key itself is never printed), {@code slot} in the
 *       Maglev table, and {@code walk}, the endpoints passed over from that slot and why (not
 *       usable, {@code bounded_load} with its calls in flight and cap, {@code tried} by an earlier
 *       attempt); {@code waiting=connecting} when the key's own endpoint is still connecting (the
 *       pick is repeated when it is up); {@code key=none_random} for a call without a key.
 * </ul>
 *
 * <p>Thread-safe: hedged attempts pick concurrently, and attempts end on transport threads; every
 * method locks this record (explained calls are rare and rate-limited).
 */
public final class Explanation {

  /** Where an explained call carries its record. */
  public static final CallOptions.Key<Explanation> KEY =
      CallOptions.Key.create("switchboard.explanation");

  private final String method;
  private final String balancer;
  private Attempt[] attempts = new Attempt[2];

  /**
   * Creates the record of a call of {@code method} (its full name) through the balancer named
   * {@code balancer}. Switchboard's client interceptor does this; balancers only write to it.
   */
  public Explanation(String method, String balancer) {
    this.method = method;
    this.balancer = balancer;
  }

  /** Returns the full name of the method called. */
  public String method() {
    return method;
  }

  /** Returns the load-balancing policy the call goes through. */
  public String balancer() {
    return balancer;
  }

  /**
   * For balancers: returns the attempt the pick with {@code headers} belongs to (counted by
   * gRPC's {@code grpc-previous-rpc-attempts} header), emptied: gRPC may pick again for one
   * attempt, and only the last pick describes where it went.
   */
  public Attempt pick(Metadata headers) {
    Attempt attempt = attempt(CallAttempts.previousAttempts(headers) + 1);
    attempt.clear();
    return attempt;
  }

  /** Returns attempt {@code number} (1 for the first), created empty if it was not yet. */
  public synchronized Attempt attempt(int number) {
    if (number < 1) {
      throw new IllegalArgumentException("attempt " + number + " (counted from 1)");
    }
    if (number > attempts.length) {
      attempts = Arrays.copyOf(attempts, Math.max(number, attempts.length * 2));
    }
    Attempt attempt = attempts[number - 1];
    if (attempt == null) {
      attempt = new Attempt(number);
      attempts[number - 1] = attempt;
    }
    return attempt;
  }

  @Override
  public synchronized String toString() {
    StringBuilder text = new StringBuilder();
    for (Attempt attempt : attempts) {
      if (attempt != null) {
        text.append(text.length() == 0 ? "" : "\n").append(attempt.line());
      }
    }
    return text.toString();
  }

  /** The facts of one attempt. Thread-safe: guarded by the lock of its {@link Explanation}. */
  public final class Attempt {
    private final int number;
    private String picked;
    private final List<String> names = new ArrayList<>(8);
    private final List<String> values = new ArrayList<>(8);

    private Attempt(int number) {
      this.number = number;
    }

    /** Returns the attempt's number, 1 for the first. */
    public int number() {
      return number;
    }

    /** Records the instance the balancer picked (its registry id, else its address). */
    public Attempt picked(String instance) {
      synchronized (Explanation.this) {
        this.picked = instance;
      }
      return this;
    }

    /** Returns the instance picked, or {@code null} if no balancer said. */
    public String picked() {
      synchronized (Explanation.this) {
        return picked;
      }
    }

    /** Records {@code name=value}, replacing an earlier value of the same name. */
    public Attempt fact(String name, String value) {
      synchronized (Explanation.this) {
        int at = names.indexOf(name);
        if (at >= 0) {
          values.set(at, value);
        } else {
          names.add(name);
          values.add(value);
        }
      }
      return this;
    }

    /** Returns the facts recorded so far, in order (the picked instance not among them). */
    public Map<String, String> facts() {
      synchronized (Explanation.this) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          facts.put(names.get(i), values.get(i));
        }
        return Collections.unmodifiableMap(facts);
      }
    }

    /**
     * Returns the log line: {@code EXPLAIN <method> attempt=<n> balancer=<policy>
     * picked=<instance> <fact>=<value>...}.
     */
    public String line() {
      synchronized (Explanation.this) {
        StringBuilder line = new StringBuilder(160).append("EXPLAIN ").append(method)
            .append(" attempt=").append(number)
            .append(" balancer=").append(balancer)
            .append(" picked=").append(picked == null ? "unknown" : picked);
        for (int i = 0; i < names.size(); i++) {
          line.append(' ').append(names.get(i)).append('=').append(values.get(i));
        }
        return line.toString();
      }
    }

    private void clear() {
      synchronized (Explanation.this) {
        picked = null;
        names.clear();
        values.clear();
      }
    }

    @Override
    public String toString() {
      return line();
    }
  }
}
