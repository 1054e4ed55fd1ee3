package dev.switchboard.rpc.registry;

/** A running watch on a service; closing it stops the snapshots. Thread-safe and idempotent. */
public interface Watch extends AutoCloseable {
  @Override
  void close();
}
