package dev.switchboard.discovery.zk.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The service entries ({@code /v1/services/{service}/{app}}) that a registry's registrations
 * have found or created in the current ZooKeeper session. The instances of one application
 * registered through one session then check an entry once between them, and an instance's later
 * writes (its state, a reconnect) skip it. An entry is persistent, so it stays known until the
 * session changes or the registry forgets it: at every self-check (which then checks every entry
 * again), when an instance node had to be recreated (whoever deleted it may have deleted its
 * entries too), and when a registration closes.
 *
 * <p>Not thread-safe: used only on the registry's executor thread.
 */
final class ServiceEntries {
  private final Set<String> known = new HashSet<>();
  private long session;

  /** Returns whether {@code path} has been found or created in {@code session}. */
  boolean known(String path, long session) {
    return session != 0 && session == this.session && known.contains(path);
  }

  /**
   * Notes that {@code path} exists, as seen in {@code session}; a session id of 0 (no session)
   * notes nothing.
   */
  void seen(String path, long session) {
    if (session == 0) {
      return;
    }
    if (session != this.session) {
      known.clear();
      this.session = session;
    }
    known.add(path);
  }

  /** Forgets {@code path}: the next write that needs it checks it again. */
  void forget(String path) {
    known.remove(path);
  }

  /** Forgets every entry: the next write of each registration checks its entries again. */
  void forget() {
    known.clear();
  }
}
