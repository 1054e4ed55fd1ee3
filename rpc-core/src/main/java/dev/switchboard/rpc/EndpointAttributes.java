package dev.switchboard.rpc;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import java.time.Instant;
import java.util.Map;

/**
 * The attributes Switchboard's name resolver attaches to every {@link EquivalentAddressGroup} it
 * publishes, so that balancers (ours or anyone's) can read what the registry said about an
 * instance.
 *
 * <p>Every key is always present on addresses resolved from a registry; code that also serves
 * addresses from elsewhere should use {@link #weight(Attributes)} and friends, which fall back to
 * defaults.
 */
public final class EndpointAttributes {

  /** The instance's relative weight for this service, {@link ServiceWeights#MIN}..MAX. */
  public static final Attributes.Key<Integer> WEIGHT = Attributes.Key.create("switchboard.weight");

  /**
   * On a resolution result (not an address): the caller's {@link ZoneAffinity}, which
   * Switchboard's balancers apply; absent when the consumer set no zone.
   */
  public static final Attributes.Key<ZoneAffinity> ZONE_AFFINITY =
      Attributes.Key.create("switchboard.zoneAffinity");

  /** The zone the instance runs in; empty when unknown. */
  public static final Attributes.Key<String> ZONE = Attributes.Key.create("switchboard.zone");

  /** The version of the service the instance serves; empty when none was published. */
  public static final Attributes.Key<String> VERSION = Attributes.Key.create("switchboard.version");

  /** The group of the service the instance serves; empty when none was published. */
  public static final Attributes.Key<String> GROUP = Attributes.Key.create("switchboard.group");

  /** Free-form metadata published with the instance (unmodifiable). */
  public static final Attributes.Key<Map<String, String>> METADATA =
      Attributes.Key.create("switchboard.metadata");

  /** When the instance started serving; the base of warm-up (slow start). */
  public static final Attributes.Key<Instant> STARTED_AT =
      Attributes.Key.create("switchboard.startedAt");

  /** The instance's registry id, unique per process incarnation. */
  public static final Attributes.Key<String> INSTANCE_ID =
      Attributes.Key.create("switchboard.instanceId");

  /** Whether the instance serves over TLS (published by the provider). */
  public static final Attributes.Key<Boolean> TLS = Attributes.Key.create("switchboard.tls");

  /** The application (cluster) the instance belongs to, as the registry says; empty if unknown. */
  public static final Attributes.Key<String> APPLICATION =
      Attributes.Key.create("switchboard.application");

  private EndpointAttributes() {}

  /** Returns the weight in {@code attributes}, or {@link ServiceWeights#DEFAULT} when absent. */
  public static int weight(Attributes attributes) {
    Integer weight = attributes.get(WEIGHT);
    return weight == null ? ServiceWeights.DEFAULT : weight;
  }

  /** Returns the start time in {@code attributes}, or {@link Instant#EPOCH} when absent. */
  public static Instant startedAt(Attributes attributes) {
    Instant startedAt = attributes.get(STARTED_AT);
    return startedAt == null ? Instant.EPOCH : startedAt;
  }
}
