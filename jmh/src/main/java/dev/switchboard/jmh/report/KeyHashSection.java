package dev.switchboard.jmh.report;

/** The report's key-hashing section: ns per key per hashing method and key. Stateless. */
final class KeyHashSection {
  private KeyHashSection() {}

  /** Returns the section. */
  static String markdown(Loaded<JmhResults> keyHash) {
    StringBuilder out = new StringBuilder("## Key hashing (ns per key)\n\n");
    out.append("`KeyHashBenchmark`: `keyHash` is the shipped `KeyHash` (FNV-1a per character and"
        + " a murmur3 finalizer); `fourCharBlocks` an alternative folding four characters per"
        + " step; `stringHashCodeUncached` `String.hashCode` on a fresh copy, for scale.\n\n");
    if (!keyHash.present()) {
      return out.append(keyHash.sentence()).append("\n\n").toString();
    }
    MarkdownTable table = new MarkdownTable("method", "key", "ns/key");
    for (JmhResult result : keyHash.value().all()) {
      table.row(result.method(), "`" + result.param("key") + "`",
          Fmt.withError(result.primary().score(), result.primary().error()));
    }
    keyHash.value().iterations().ifPresent(i -> out.append("Measured: ").append(i)
        .append(".\n\n"));
    return out.append(table).append('\n').toString();
  }
}
