package dev.switchboard.discovery.zk.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.ServiceWeights;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and strictly decodes the instance payload: a small versioned JSON object read into
 * fixed types, with no polymorphic typing (nothing in the data chooses a class). Unknown fields
 * are ignored so that newer writers stay readable. Immutable and thread-safe.
 *
 * <pre>{@code
 * {"schema":1,"app":"greeter","instanceId":"10.0.0.7-50051-k7f3q9x2","host":"10.0.0.7",
 *  "port":50051,"state":"SERVING","startedAtMs":1764150000000,
 *  "services":[{"name":"helloworld.Greeter","weight":100,"zone":"az-1","version":"1.0",
 *               "group":"","metadata":{"canary":"false"}}]}
 * }</pre>
 */
public final class InstanceCodec {
  /** The payload schema this code writes and reads. */
  public static final int SCHEMA = 1;
  /** The largest payload written or accepted. */
  public static final int MAX_BYTES = 4096;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private InstanceCodec() {}

  /**
   * Returns {@code instance} as JSON bytes.
   *
   * @throws IllegalArgumentException if the payload would exceed {@value #MAX_BYTES} bytes
   */
  public static byte[] encode(ProviderInstance instance) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("app", instance.application());
    root.put("instanceId", instance.instanceId());
    root.put("host", instance.host());
    root.put("port", instance.port());
    root.put("state", instance.state().name());
    root.put("startedAtMs", instance.startedAt().toEpochMilli());
    ArrayNode services = root.putArray("services");
    for (ExportedService service : instance.services()) {
      ObjectNode node = services.addObject();
      node.put("name", service.name());
      node.put("weight", service.weight());
      node.put("zone", service.zone());
      node.put("version", service.version());
      node.put("group", service.group());
      ObjectNode metadata = node.putObject("metadata");
      service.metadata().forEach(metadata::put);
    }
    byte[] bytes = root.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("registry payload of instance " + instance.instanceId()
          + " is " + bytes.length + " bytes (allowed: <= " + MAX_BYTES
          + "); publish less metadata or fewer services per process");
    }
    return bytes;
  }

  /**
   * Decodes and validates {@code bytes}.
   *
   * @throws InvalidPayloadException saying what is wrong, for any payload that is not a valid
   *     schema-1 instance
   */
  public static ProviderInstance decode(byte[] bytes) throws InvalidPayloadException {
    try {
      return decodeUnchecked(bytes);
    } catch (IllegalArgumentException e) {
      // a value the domain types refuse: an invalid name, port, id...
      throw new InvalidPayloadException(e.getMessage());
    }
  }

  private static ProviderInstance decodeUnchecked(byte[] bytes) throws InvalidPayloadException {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidPayloadException("empty payload");
    }
    if (bytes.length > MAX_BYTES) {
      throw new InvalidPayloadException(
          "payload of " + bytes.length + " bytes exceeds " + MAX_BYTES);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidPayloadException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidPayloadException("unreadable: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidPayloadException("not a JSON object");
    }
    int schema = integer(root, "schema");
    if (schema != SCHEMA) {
      throw new InvalidPayloadException("unknown schema " + schema + " (this reader knows "
          + SCHEMA + ")");
    }
    List<ExportedService> services = new ArrayList<>();
    JsonNode array = root.get("services");
    if (array == null || !array.isArray()) {
      throw new InvalidPayloadException("'services' is not an array");
    }
    for (JsonNode node : array) {
      if (!node.isObject()) {
        throw new InvalidPayloadException("a 'services' entry is not an object");
      }
      int weight = integer(node, "weight");
      // A weight outside the range is clamped, not fatal: the instance is still reachable.
      weight = Math.max(ServiceWeights.MIN, Math.min(ServiceWeights.MAX, weight));
      services.add(new ExportedService(text(node, "name"), weight, optionalText(node, "zone"),
          optionalText(node, "version"), optionalText(node, "group"), metadata(node)));
    }
    InstanceState state;
    try {
      state = InstanceState.valueOf(text(root, "state"));
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("unknown state '" + root.get("state").asText() + "'");
    }
    return new ProviderInstance(text(root, "instanceId"), text(root, "app"),
        text(root, "host"), integer(root, "port"), state,
        Instant.ofEpochMilli(longValue(root, "startedAtMs")), services);
  }

  private static String text(JsonNode node, String field) throws InvalidPayloadException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidPayloadException("'" + field + "' is missing or not a string");
    }
    return value.textValue();
  }

  private static String optionalText(JsonNode node, String field) throws InvalidPayloadException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new InvalidPayloadException("'" + field + "' is not a string");
    }
    return value.textValue();
  }

  private static int integer(JsonNode node, String field) throws InvalidPayloadException {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new InvalidPayloadException("'" + field + "' is missing or not a 32-bit integer");
    }
    return value.intValue();
  }

  private static long longValue(JsonNode node, String field) throws InvalidPayloadException {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidPayloadException("'" + field + "' is missing or not an integer");
    }
    return value.longValue();
  }

  private static Map<String, String> metadata(JsonNode service) throws InvalidPayloadException {
    JsonNode value = service.get("metadata");
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new InvalidPayloadException("'metadata' is not an object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual()) {
        throw new InvalidPayloadException("metadata '" + entry.getKey() + "' is not a string");
      }
      metadata.put(entry.getKey(), entry.getValue().textValue());
    }
    return metadata;
  }
}
