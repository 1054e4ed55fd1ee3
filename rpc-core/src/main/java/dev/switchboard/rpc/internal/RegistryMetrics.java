package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryHealth;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code switchboard.registry.*} instruments of a client's or server's registry, read from
 * {@link Registry#health()} once per collection (one batch callback): the session, instances
 * per service, last-known-good holds, mass-drop holds, snapshot use and age, re-registrations
 * and skipped invalid nodes. Every series carries {@code switchboard.role} ({@code client} or
 * {@code server}), and a server's its {@code switchboard.instance}, so that several servers and
 * a client reporting to one SDK from one process each keep their own series (two clients of one
 * process with one SDK would share theirs: a process needs one client). Closing unregisters
 * them. Thread-safe.
 */
public final class RegistryMetrics implements AutoCloseable {
  static final AttributeKey<String> ROLE = AttributeKey.stringKey("switchboard.role");
  static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("switchboard.instance");
  /** The attributes of a client's registry. */
  public static final Attributes CLIENT = Attributes.of(ROLE, "client");
  static final AttributeKey<String> SESSION = AttributeKey.stringKey("switchboard.registry.session");
  private static final List<String> SESSIONS = List.of(RegistryHealth.CONNECTED,
      RegistryHealth.SUSPENDED, RegistryHealth.LOST, RegistryHealth.READ_ONLY,
      RegistryHealth.NOT_APPLICABLE);

  private final List<AutoCloseable> registrations = new ArrayList<>();

  /** Returns the attributes of the registry of the server registered as {@code instanceId}. */
  public static Attributes server(String instanceId) {
    return Attributes.of(ROLE, "server", INSTANCE, instanceId);
  }

  /** Registers the instruments of {@code registry} on {@code meter}, labelled {@code base}. */
  public RegistryMetrics(Meter meter, Registry registry, Attributes base) {
    ObservableLongMeasurement session = meter.gaugeBuilder("switchboard.registry.session")
        .setDescription("1 for the registry session's current state, 0 for the others")
        .setUnit("{state}").ofLongs().buildObserver();
    ObservableLongMeasurement reRegistrations = meter
        .counterBuilder("switchboard.registry.reregistrations")
        .setDescription("Registrations re-created after a session loss or a deleted node")
        .setUnit("{registration}").buildObserver();
    ObservableLongMeasurement skipped = meter
        .counterBuilder("switchboard.registry.invalid_nodes_skipped")
        .setDescription("Registry nodes left out of a view because they could not be read")
        .setUnit("{node}").buildObserver();
    ObservableLongMeasurement instances = meter.gaugeBuilder("switchboard.registry.instances")
        .setDescription("Instances in the view consumers of a service are given")
        .setUnit("{instance}").ofLongs().buildObserver();
    ObservableLongMeasurement lastKnownGood = meter
        .gaugeBuilder("switchboard.registry.last_known_good")
        .setDescription("1 while a service's view is the last good one, kept because the"
            + " registry cannot be read")
        .setUnit("{state}").ofLongs().buildObserver();
    ObservableLongMeasurement massDropHolds = meter
        .counterBuilder("switchboard.registry.mass_drop_holds")
        .setDescription("Changes held back because they would drop too many instances at once")
        .setUnit("{hold}").buildObserver();
    ObservableLongMeasurement snapshotInUse = meter
        .gaugeBuilder("switchboard.registry.snapshot.in_use")
        .setDescription("1 while a service's view comes from the on-disk snapshot (a cold"
            + " start without the registry)")
        .setUnit("{state}").ofLongs().buildObserver();
    ObservableDoubleMeasurement snapshotAge = meter
        .gaugeBuilder("switchboard.registry.snapshot.age")
        .setDescription("Age of the on-disk snapshot a service's view comes from, while it does")
        .setUnit("s").buildObserver();
    registrations.add(meter.batchCallback(() -> {
      RegistryHealth health = registry.health();
      for (String state : SESSIONS) {
        session.record(state.equals(health.session()) ? 1 : 0,
            base.toBuilder().put(SESSION, state).build());
      }
      reRegistrations.record(health.reRegistrations(), base);
      skipped.record(health.invalidNodesSkipped(), base);
      for (Map.Entry<String, RegistryHealth.ServiceHealth> entry : health.services().entrySet()) {
        Attributes service = base.toBuilder().put(ClientMetrics.SERVICE, entry.getKey()).build();
        RegistryHealth.ServiceHealth view = entry.getValue();
        instances.record(view.instances(), service);
        lastKnownGood.record(view.holdingLastKnownGood() ? 1 : 0, service);
        massDropHolds.record(view.massDropHolds(), service);
        snapshotInUse.record(view.snapshotAge().isPresent() ? 1 : 0, service);
        view.snapshotAge().ifPresent(age -> snapshotAge.record(age.toMillis() / 1000.0, service));
      }
    }, session, reRegistrations, skipped, instances, lastKnownGood, massDropHolds,
        snapshotInUse, snapshotAge));
  }

  /** Unregisters the instruments. Idempotent. */
  @Override
  public synchronized void close() {
    for (AutoCloseable registration : registrations) {
      try {
        registration.close();
      } catch (Exception e) {
        // a callback registration has nothing else to release
      }
    }
    registrations.clear();
  }
}
