package dev.switchboard.rpc.registry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a registry client knows about its own state, for metrics and operators: the session, the
 * registrations it re-made, the invalid nodes it skipped, and per watched service what its
 * consumers' protection is doing. A snapshot; immutable.
 *
 * @param session the session state: {@link #CONNECTED}, {@link #SUSPENDED}, {@link #LOST},
 *     {@link #READ_ONLY} or {@link #NOT_APPLICABLE} (a registry without sessions)
 * @param reRegistrations how many times registrations were re-created (after a session loss or
 *     a deleted node) since the registry was opened
 * @param invalidNodesSkipped how many times a node that could not be read (bad payload, bad
 *     name, mismatched path) was left out of a view since the registry was opened
 * @param services the state of each watched service
 */
public record RegistryHealth(String session, long reRegistrations, long invalidNodesSkipped,
    Map<String, ServiceHealth> services) {
  public static final String CONNECTED = "connected";
  public static final String SUSPENDED = "suspended";
  public static final String LOST = "lost";
  public static final String READ_ONLY = "read_only";
  public static final String NOT_APPLICABLE = "not_applicable";

  /** The health of a registry that reports none. */
  public static final RegistryHealth UNKNOWN =
      new RegistryHealth(NOT_APPLICABLE, 0, 0, Map.of());

  /** Validates and copies. */
  public RegistryHealth {
    requireNonNull(session, "session");
    services = Map.copyOf(requireNonNull(services, "services"));
  }

  /**
   * The state of one watched service.
   *
   * @param instances the instances in the view its consumers are given
   * @param holdingLastKnownGood whether the view is the last good one kept while the registry
   *     cannot be read (session suspended or lost, a read failed)
   * @param massDropHolds how many times a change that would drop too many instances at once
   *     was held back since the watch started
   * @param snapshotAge the age of the on-disk snapshot the view came from, while it comes from
   *     one (a cold start without the registry); empty otherwise
   */
  public record ServiceHealth(int instances, boolean holdingLastKnownGood, long massDropHolds,
      Optional<Duration> snapshotAge) {
    /** Validates. */
    public ServiceHealth {
      requireNonNull(snapshotAge, "snapshotAge");
    }
  }
}
