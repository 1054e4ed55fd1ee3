package dev.switchboard.rpc.internal;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts fallbacks per method, and logs them at most once per method every 10 s (with the count
 * since the last line), so that a fallback never hides a failure silently nor floods the log.
 * Thread-safe.
 */
public final class FallbackStats {
  private static final Logger logger = LoggerFactory.getLogger(FallbackStats.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final Map<MethodKind, LongAdder> byKind = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> sinceLog = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  public FallbackStats(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Records a fallback of {@code kind} for {@code method} after {@code failure}. */
  public void record(String method, String kind, Status failure) {
    byKind.computeIfAbsent(new MethodKind(method, kind), k -> new LongAdder()).increment();
    LongAdder pending = sinceLog.computeIfAbsent(method, m -> new LongAdder());
    pending.increment();
    AtomicLong last = lastLogged.computeIfAbsent(method, m -> new AtomicLong(Long.MIN_VALUE));
    long now = nanoClock.getAsLong();
    long previous = last.get();
    if ((previous == Long.MIN_VALUE || now - previous >= LOG_INTERVAL_NANOS)
        && last.compareAndSet(previous, now)) {
      logger.warn("Fallback ({}) answered {} after {} {}; {} fallback(s) for it since the last"
          + " report", kind, method, failure.getCode(), failure.getDescription(),
          pending.sumThenReset());
    }
  }

  /** A full method name and a fallback kind ({@code cached}, {@code object}, {@code fixed}). */
  public record MethodKind(String method, String kind) {}

  /** Returns the fallbacks per method and kind so far. */
  public Map<MethodKind, Long> countsByKind() {
    Map<MethodKind, Long> snapshot = new java.util.HashMap<>();
    byKind.forEach((key, count) -> snapshot.put(key, count.sum()));
    return snapshot;
  }

  /** Returns the fallbacks per full method name so far. */
  public Map<String, Long> counts() {
    Map<String, Long> snapshot = new TreeMap<>();
    byKind.forEach((key, count) -> snapshot.merge(key.method(), count.sum(), Long::sum));
    return snapshot;
  }
}
