package dev.switchboard.rpc;

/** The lifecycle state a provider instance publishes in the registry. */
public enum InstanceState {
  /** Accepting new calls. */
  SERVING,
  /** Shutting down: finishing calls in flight; consumers must stop sending new ones. */
  DRAINING
}
