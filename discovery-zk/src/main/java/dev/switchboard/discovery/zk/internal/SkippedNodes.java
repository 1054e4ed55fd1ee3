package dev.switchboard.discovery.zk.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the registry nodes a registry leaves out of its views because they cannot be read (an
 * invalid payload, an id or application that does not match the path, a refused address, an
 * invalid application name under a service), for {@link ZkRegistryImpl#health()}.
 *
 * <p>A node is counted once per version, not once per read: views are rebuilt on every change,
 * by every watch, from caches that still hold the same bad node. The version is the node's
 * {@code mzxid} (the zxid of its last write; a node deleted and recreated under its name has a
 * new one). Each cache that reads nodes is a {@link Reader} and reports, after each pass, the
 * bad nodes it left out; a node version counts when the first reader reports it, and is
 * forgotten when no reader reports it any more (deleted, repaired, or its cache closed), so
 * hostile data that comes and goes cannot grow this without bound. Several readers of the same
 * nodes (the provider caches of several watches of one service) count each version once.
 *
 * <p>Entries of a disk snapshot have no version; they are {@linkplain #add counted} each time a
 * watch reads the snapshot, which happens at most once per watch (a cold start).
 *
 * <p>Thread-safe: readers report on the registry executor (under a lock, uncontended), and
 * {@link #count()} is a plain atomic read from any thread.
 */
final class SkippedNodes {
  private final Map<String, Node> nodes = new HashMap<>(); // guarded by this
  private final AtomicLong count = new AtomicLong();

  private static final class Node {
    long mzxid;
    int readers;

    Node(long mzxid) {
      this.mzxid = mzxid;
    }
  }

  /** Returns a new reader: one cache whose bad nodes are reported together. */
  Reader reader() {
    return new Reader();
  }

  /** Counts {@code entries} entries left out that have no version (the disk snapshot's). */
  void add(int entries) {
    if (entries > 0) {
      count.addAndGet(entries);
    }
  }

  /** Returns how many node versions were left out of a view, since the registry was opened. */
  long count() {
    return count.get();
  }

  /** Adds a reader of the node; returns whether this version of it counted now. */
  private boolean acquire(String path, long mzxid) {
    Node node = nodes.get(path);
    boolean counted = false;
    if (node == null) {
      node = new Node(mzxid);
      nodes.put(path, node);
      counted = true;
    } else if (mzxid > node.mzxid) { // a lagging reader's older version is no new skip
      node.mzxid = mzxid;
      counted = true;
    }
    node.readers++;
    if (counted) {
      count.incrementAndGet();
    }
    return counted;
  }

  private void release(String path) {
    Node node = nodes.get(path);
    if (node != null && --node.readers == 0) {
      nodes.remove(path);
    }
  }

  /** The bad nodes one cache left out in its latest pass. */
  final class Reader {
    private Map<String, Long> reported = Map.of();

    /**
     * Reports the nodes (path to {@code mzxid}) this reader left out in its latest pass, which
     * replace those it reported before; returns the paths of the node versions counted now,
     * reported by no reader before (to warn about once).
     */
    Set<String> report(Map<String, Long> skipped) {
      Set<String> fresh = new HashSet<>();
      synchronized (SkippedNodes.this) {
        for (Map.Entry<String, Long> entry : reported.entrySet()) {
          if (!entry.getValue().equals(skipped.get(entry.getKey()))) {
            release(entry.getKey());
          }
        }
        for (Map.Entry<String, Long> entry : skipped.entrySet()) {
          if (!entry.getValue().equals(reported.get(entry.getKey()))) {
            if (acquire(entry.getKey(), entry.getValue())) {
              fresh.add(entry.getKey());
            }
          }
        }
        reported = Map.copyOf(skipped);
      }
      return fresh;
    }

    /** Withdraws everything this reader reported (its cache is closed). */
    void close() {
      report(Map.of());
    }
  }
}
