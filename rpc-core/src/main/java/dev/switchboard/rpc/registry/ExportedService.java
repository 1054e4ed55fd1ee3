package dev.switchboard.rpc.registry;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.ServiceWeights;
import java.util.Map;

/**
 * One service a provider instance exposes, with the attributes it publishes for it.
 *
 * <p>Immutable.
 *
 * @param name the service name consumers discover it by, e.g. {@code helloworld.Greeter}
 * @param weight the relative weight, {@link ServiceWeights#MIN}..{@link ServiceWeights#MAX}
 * @param zone the zone the instance runs in, empty when unknown
 * @param version the service version, empty when none
 * @param group the service group, empty when none
 * @param metadata free-form metadata
 */
public record ExportedService(
    String name, int weight, String zone, String version, String group,
    Map<String, String> metadata) {

  /** Validates every component; see the parameter descriptions for what is allowed. */
  public ExportedService {
    Names.checkServiceName(name);
    ServiceWeights.check(weight, "service " + name);
    requireNonNull(zone, "zone");
    requireNonNull(version, "version");
    requireNonNull(group, "group");
    metadata = Map.copyOf(requireNonNull(metadata, "metadata"));
  }

  /** Returns a service entry with the default weight and no zone, version, group or metadata. */
  public static ExportedService of(String name) {
    return new ExportedService(name, ServiceWeights.DEFAULT, "", "", "", Map.of());
  }

  /** Returns a copy with {@code weight}. */
  public ExportedService withWeight(int weight) {
    return new ExportedService(name, weight, zone, version, group, metadata);
  }
}
