package dev.switchboard.loadbalance.select;

/** Chooses one of a fixed set of indexed choices per call. Implementations are thread-safe. */
public interface IndexSelector {
  /** Returns the index of the next choice. */
  int next();
}
