package dev.switchboard.rpc.registry;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.InstanceState;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one provider process registers: where it listens and the services it exposes there.
 *
 * <p>Immutable.
 *
 * @param instanceId unique per process incarnation (see {@link #newInstanceId(String, int)})
 * @param application the application (cluster) the process belongs to
 * @param host the address consumers connect to
 * @param port the port consumers connect to, 1..65535
 * @param state whether the instance accepts new calls
 * @param startedAt when the instance started serving (kept to the millisecond)
 * @param services the services exposed, at least one, names unique
 * @param tls whether the instance serves over TLS (consumers need TLS to reach it)
 */
public record ProviderInstance(
    String instanceId, String application, String host, int port, InstanceState state,
    Instant startedAt, List<ExportedService> services, boolean tls) {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Validates every component; see the parameter descriptions for what is allowed. */
  public ProviderInstance {
    requireNonNull(instanceId, "instanceId");
    Names.checkInstanceId(instanceId);
    Names.checkApplicationName(application);
    requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is out of range (allowed: 1..65535)");
    }
    requireNonNull(state, "state");
    // Registries keep milliseconds; so does the record, so that it survives a round trip.
    startedAt = requireNonNull(startedAt, "startedAt").truncatedTo(ChronoUnit.MILLIS);
    services = List.copyOf(services);
    if (services.isEmpty()) {
      throw new IllegalArgumentException("instance " + instanceId + " exposes no service");
    }
    Set<String> names = new HashSet<>();
    for (ExportedService service : services) {
      if (!names.add(service.name())) {
        throw new IllegalArgumentException(
            "instance " + instanceId + " exposes service " + service.name() + " twice");
      }
    }
  }

  /** A plaintext instance. */
  public ProviderInstance(String instanceId, String application, String host, int port,
      InstanceState state, Instant startedAt, List<ExportedService> services) {
    this(instanceId, application, host, port, state, startedAt, services, false);
  }

  /**
   * Returns a new id of the form {@code host-port-xxxxxxxx} with 8 random base-32 characters, so
   * that a restarted process never collides with the lingering registration of its predecessor.
   */
  public static String newInstanceId(String host, int port) {
    StringBuilder id = new StringBuilder(host.replace(':', '_')).append('-').append(port).append('-');
    for (int i = 0; i < 8; i++) {
      id.append(BASE32[RANDOM.nextInt(BASE32.length)]);
    }
    return id.toString();
  }

  /**
   * Returns {@code updated} if it may replace this record: same id, application, host and port.
   *
   * @throws IllegalArgumentException otherwise
   */
  public ProviderInstance checkUpdate(ProviderInstance updated) {
    if (!updated.instanceId.equals(instanceId) || !updated.application.equals(application)
        || !updated.host.equals(host) || updated.port != port) {
      throw new IllegalArgumentException("an update must keep instance id, application, host and"
          + " port: " + instanceId + " -> " + updated.instanceId);
    }
    return updated;
  }

  /** Returns a copy in {@code newState}. */
  public ProviderInstance withState(InstanceState newState) {
    return new ProviderInstance(instanceId, application, host, port, newState, startedAt, services,
        tls);
  }

  /** Returns a copy whose services all have {@code weight}. */
  public ProviderInstance withWeight(int weight) {
    List<ExportedService> reweighted = new ArrayList<>(services.size());
    for (ExportedService service : services) {
      reweighted.add(service.withWeight(weight));
    }
    return new ProviderInstance(instanceId, application, host, port, state, startedAt, reweighted,
        tls);
  }

  /** Returns the view of this instance that consumers of {@code service} see, or {@code null}. */
  public ServiceInstance forService(String service) {
    for (ExportedService exported : services) {
      if (exported.name().equals(service)) {
        return new ServiceInstance(instanceId, exported.name(), host, port, exported.weight(),
            exported.zone(), exported.version(), exported.group(), state, startedAt,
            exported.metadata(), tls, application);
      }
    }
    return null;
  }
}
