package dev.switchboard.discovery.zk.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The service entries ({@code /v1/services/{service}/{app}}) that a registry's registrations
 * have found or created in ZooKeeper, so that the instances of an application registered through
 * one session check each entry once rather than once each, and an instance's later writes (its
 * state, a new session's node) do not check it again. An entry is persistent, so what is known
 * stays true unless someone deletes it: what is known is forgotten when the session changes and
 * at every self-check, so an entry deleted by hand is still recreated within one self-check
 * period, as it was when every write checked it.
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

  /** Notes that {@code path} exists, as seen in {@code session} (0: not connected, noted not). */
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

  /** Forgets every entry: the next write of each registration checks its entries again. */
  void forget() {
    known.clear();
  }
}
