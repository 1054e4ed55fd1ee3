package dev.switchboard.admin.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.Change;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.Finding;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.ServiceSummary;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.RegistryHealth;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one JSON shape of registry data, for {@code --json} and the console's endpoints. Built
 * field by field (never by reflection on the library's records), so the shape stays what
 * docs/admin.md documents when the library grows. Also the derived texts both front ends show
 * (an instance's state, its override).
 */
public final class Views {
  /** The state shown for a node consumers skip. */
  public static final String INVALID = "INVALID";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Views() {}

  /** Returns a new JSON object. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** Returns a new JSON array. */
  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** Serialises {@code node} on one line. */
  public static String compact(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Serialises {@code node} indented. */
  public static String pretty(Object node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns the state shown for {@code view}, as consumers see it: INVALID (they skip the
   * node), DRAINING (published, or drained by an override: consumers treat it as draining
   * before its provider republishes) or SERVING.
   */
  public static String state(InstanceView view) {
    if (!view.valid() || view.state() == null) {
      return INVALID;
    }
    return view.serving() ? InstanceState.SERVING.name() : InstanceState.DRAINING.name();
  }

  /**
   * Returns what is pending between the override and the state the provider publishes, empty
   * when they agree: a drain its provider has not published yet, or an enable.
   */
  public static String pending(InstanceView view) {
    if (view.state() == null || view.override().isEmpty()) {
      return "";
    }
    InstanceOverride override = view.override().get();
    if (override.drain() && view.state() == InstanceState.SERVING) {
      return "provider still publishes SERVING";
    }
    if (!override.drain() && view.state() == InstanceState.DRAINING
        && override.lastChange().map(change -> change.change().equals("enable"))
            .orElse(false)) {
      return "enable requested";
    }
    return "";
  }

  /** Returns the override as text: {@code drain}, {@code weight 5}, both, or {@code -}. */
  public static String overrideText(InstanceView view) {
    if (view.override().isEmpty()) {
      return "-";
    }
    InstanceOverride override = view.override().get();
    StringBuilder text = new StringBuilder();
    if (override.drain()) {
      text.append("drain");
    }
    override.weight().ifPresent(weight -> {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append("weight ").append(weight);
    });
    return text.length() == 0 ? "-" : text.toString();
  }

  /** Returns the instance's address, {@code host:port} ({@code [v6]:port} for IPv6). */
  public static String address(InstanceView view) {
    String host = view.host();
    if (host == null || host.isEmpty() || view.port() == 0) {
      return "-";
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + view.port();
  }

  public static ObjectNode service(ServiceSummary summary) {
    ObjectNode node = object();
    node.put("service", summary.service());
    ArrayNode applications = node.putArray("applications");
    summary.applications().forEach(applications::add);
    node.put("serving", summary.serving());
    node.put("draining", summary.draining());
    node.put("invalid", summary.invalid());
    node.put("instances", summary.serving() + summary.draining() + summary.invalid());
    putInstant(node, "lastChange", summary.lastChange());
    return node;
  }

  public static ObjectNode instance(InstanceView view) {
    ObjectNode node = object();
    node.put("instanceId", view.instanceId());
    node.put("application", view.application());
    node.put("service", view.service());
    node.put("host", view.host());
    node.put("port", view.port());
    node.put("address", address(view));
    node.put("weight", view.weight());
    node.put("effectiveWeight", view.effectiveWeight());
    node.put("zone", view.zone() == null ? "" : view.zone());
    node.put("version", view.version() == null ? "" : view.version());
    node.put("state", state(view));
    node.put("publishedState", view.state() == null ? null : view.state().name());
    node.put("valid", view.valid());
    if (view.invalidReason().isPresent()) {
      node.put("invalidReason", view.invalidReason().get());
    } else {
      node.putNull("invalidReason");
    }
    String pending = pending(view);
    if (pending.isEmpty()) {
      node.putNull("pending");
    } else {
      node.put("pending", pending);
    }
    node.put("tls", view.tls());
    node.put("ageSeconds", view.age() == null ? 0 : view.age().getSeconds());
    if (view.override().isPresent()) {
      node.set("override", override(view.override().get()));
    } else {
      node.putNull("override");
    }
    ObjectNode metadata = node.putObject("metadata");
    new TreeMap<>(view.metadata() == null ? Map.<String, String>of() : view.metadata())
        .forEach(metadata::put);
    return node;
  }

  public static ObjectNode override(InstanceOverride override) {
    ObjectNode node = object();
    node.put("drain", override.drain());
    if (override.weight().isPresent()) {
      node.put("weight", override.weight().get());
    } else {
      node.putNull("weight");
    }
    ArrayNode history = node.putArray("history");
    for (Change change : override.history()) {
      history.add(change(change));
    }
    return node;
  }

  public static ObjectNode change(Change change) {
    ObjectNode node = object();
    node.put("who", change.who());
    putInstant(node, "when", change.when());
    node.put("change", change.change());
    node.put("old", change.oldValue());
    node.put("new", change.newValue());
    return node;
  }

  public static ObjectNode finding(Finding finding) {
    ObjectNode node = object();
    node.put("severity", finding.severity());
    node.put("path", finding.path());
    node.put("message", finding.message());
    return node;
  }

  public static ObjectNode health(RegistryHealth health) {
    ObjectNode node = object();
    node.put("session", health.session());
    node.put("reRegistrations", health.reRegistrations());
    node.put("invalidNodesSkipped", health.invalidNodesSkipped());
    ObjectNode services = node.putObject("services");
    new TreeMap<>(health.services()).forEach((name, service) -> {
      ObjectNode entry = services.putObject(name);
      entry.put("instances", service.instances());
      entry.put("holdingLastKnownGood", service.holdingLastKnownGood());
      entry.put("massDropHolds", service.massDropHolds());
      if (service.snapshotAge().isPresent()) {
        entry.put("snapshotAgeSeconds", service.snapshotAge().get().getSeconds());
      } else {
        entry.putNull("snapshotAgeSeconds");
      }
    });
    return node;
  }

  private static void putInstant(ObjectNode node, String field, Instant instant) {
    if (instant == null) {
      node.putNull(field);
    } else {
      node.put(field, instant.toString());
    }
  }
}
