package dev.switchboard.rpc.registry;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.ServiceWeights;
import java.time.Instant;
import java.util.Map;

/**
 * One instance of one service, as a consumer sees it in a registry snapshot.
 *
 * <p>Immutable.
 *
 * @param instanceId the provider instance's id, unique per process incarnation
 * @param service the service name
 * @param host the address to connect to
 * @param port the port to connect to
 * @param weight the relative weight, {@link ServiceWeights#MIN}..{@link ServiceWeights#MAX}
 * @param zone the zone, empty when unknown
 * @param version the service version, empty when none
 * @param group the service group, empty when none
 * @param state whether the instance accepts new calls
 * @param startedAt when the instance started serving
 * @param metadata free-form metadata
 * @param tls whether the instance serves over TLS
 * @param application the application (cluster) the instance belongs to, as the registry says;
 *     empty when unknown
 */
public record ServiceInstance(
    String instanceId, String service, String host, int port, int weight, String zone,
    String version, String group, InstanceState state, Instant startedAt,
    Map<String, String> metadata, boolean tls, String application) {

  /** An instance of an unknown application. */
  public ServiceInstance(String instanceId, String service, String host, int port, int weight,
      String zone, String version, String group, InstanceState state, Instant startedAt,
      Map<String, String> metadata, boolean tls) {
    this(instanceId, service, host, port, weight, zone, version, group, state, startedAt,
        metadata, tls, "");
  }

  /** A plaintext instance of an unknown application. */
  public ServiceInstance(String instanceId, String service, String host, int port, int weight,
      String zone, String version, String group, InstanceState state, Instant startedAt,
      Map<String, String> metadata) {
    this(instanceId, service, host, port, weight, zone, version, group, state, startedAt,
        metadata, false);
  }

  /** Validates every component. */
  public ServiceInstance {
    requireNonNull(instanceId, "instanceId");
    Names.checkServiceName(service);
    requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is out of range (allowed: 1..65535)");
    }
    ServiceWeights.check(weight, "instance " + instanceId);
    requireNonNull(zone, "zone");
    requireNonNull(version, "version");
    requireNonNull(group, "group");
    requireNonNull(state, "state");
    requireNonNull(startedAt, "startedAt");
    metadata = Map.copyOf(requireNonNull(metadata, "metadata"));
    if (!application.isEmpty()) {
      Names.checkApplicationName(application);
    }
  }
}
