package dev.switchboard.jmh;

import dev.switchboard.loadbalance.select.KeyHash;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of hashing a request key: Switchboard's {@link KeyHash} (FNV-1a per character plus a
 * finalizer), beside an alternative that folds four characters per step, and
 * {@link String#hashCode()} for scale (cached after the first call, so measured on a fresh copy).
 * The per-character version won for short keys, the common case, and was kept.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar KeyHashBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class KeyHashBenchmark {

  @Param({"user-123456", "tenant-42/session-0123456789abcdef"})
  String key;

  @Benchmark
  public long keyHash() {
    return KeyHash.hash(key);
  }

  @Benchmark
  public long fourCharBlocks() {
    int length = key.length();
    long h = 0xcbf29ce484222325L ^ length;
    int i = 0;
    for (; i + 4 <= length; i += 4) {
      long block = key.charAt(i) | (long) key.charAt(i + 1) << 16
          | (long) key.charAt(i + 2) << 32 | (long) key.charAt(i + 3) << 48;
      h = (h ^ block) * 0x9e3779b97f4a7c15L;
      h ^= h >>> 29;
    }
    for (; i < length; i++) {
      h = (h ^ key.charAt(i)) * 0x9e3779b97f4a7c15L;
    }
    return KeyHash.mix(h);
  }

  @Benchmark
  public int stringHashCodeUncached() {
    return new String(key).hashCode();
  }
}
