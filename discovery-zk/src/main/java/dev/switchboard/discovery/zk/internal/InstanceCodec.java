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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes and strictly decodes the instance payload: a small versioned JSON object read into
 * fixed types, with no polymorphic typing (nothing in the data chooses a class). Unknown fields
 * are ignored so that newer writers stay readable. Immutable and thread-safe.
 *
 * <pre>{@code
 * {"schema":1,"app":"greeter","instanceId":"10.0.0.7-50051-k7f3q9x2","host":"10.0.0.7",
 *  "port":50051,"state":"SERVING","startedAtMs":1764150000000,"tls":true,
 *  "services":[{"name":"helloworld.Greeter","weight":100,"zone":"az-1","version":"1.0",
 *               "group":"","metadata":{"canary":"false"}}]}
 * }</pre>
 *
 * <p>{@code startedAtMs} is bounded at decode, so that no later arithmetic (warm-up ages) sees
 * an absurd instant: a start before {@link #MIN_STARTED_AT} is <b>clamped</b> to it, with a
 * warning (it reads as "started long ago", as the raw value would: a writer that wrote seconds
 * instead of milliseconds stays reachable); a start more than {@link #MAX_STARTED_AT_AHEAD}
 * ahead of the reader's clock is <b>rejected</b> (the node is skipped, with a warning): such a
 * value is garbage or a badly wrong clock, and clamping it to a bound that moves with the
 * reader's clock would change the instance on every read.
 */
public final class InstanceCodec {
  /** The payload schema this code writes and reads. */
  public static final int SCHEMA = 1;
  /** The largest payload written or accepted. */
  public static final int MAX_BYTES = 4096;
  /** The earliest start time decoded as is; earlier ones are clamped to it. */
  public static final Instant MIN_STARTED_AT = Instant.parse("2000-01-01T00:00:00Z");
  /** How far ahead of the reader's clock a start time may be; later ones are rejected. */
  public static final Duration MAX_STARTED_AT_AHEAD = Duration.ofDays(1);

  private static final Logger logger = LoggerFactory.getLogger(InstanceCodec.class);
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
    if (instance.tls()) {
      root.put("tls", true); // written only when set: readers that predate it skip it
    }
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
   * Decodes and validates {@code bytes} against the system clock, logging what it clamps; see
   * {@link #decode(byte[], Instant, Consumer)}.
   *
   * @throws InvalidPayloadException saying what is wrong, for any payload that is not a valid
   *     schema-1 instance
   */
  public static ProviderInstance decode(byte[] bytes) throws InvalidPayloadException {
    return decode(bytes, Instant.now(), warning -> logger.warn("{}", warning));
  }

  /**
   * Decodes and validates {@code bytes}, read at {@code now}. Values that are corrected rather
   * than refused (an out-of-range weight or an early start time) are clamped and, for the start
   * time, reported to {@code warnings}.
   *
   * @throws InvalidPayloadException saying what is wrong, for any payload that is not a valid
   *     schema-1 instance (a start time too far in the future included)
   */
  public static ProviderInstance decode(byte[] bytes, Instant now, Consumer<String> warnings)
      throws InvalidPayloadException {
    try {
      return decodeUnchecked(bytes, now, warnings);
    } catch (IllegalArgumentException | ArithmeticException e) {
      // a value the domain types refuse: an invalid name, port, id...
      throw new InvalidPayloadException(e.getMessage());
    }
  }

  private static ProviderInstance decodeUnchecked(byte[] bytes, Instant now,
      Consumer<String> warnings) throws InvalidPayloadException {
    JsonNode root = readObject(bytes);
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
    String instanceId = text(root, "instanceId");
    Instant startedAt = startedAt(longValue(root, "startedAtMs"), now, instanceId, warnings);
    JsonNode tls = root.get("tls");
    if (tls != null && !tls.isBoolean()) {
      throw new InvalidPayloadException("'tls' is not true or false");
    }
    return new ProviderInstance(instanceId, text(root, "app"), text(root, "host"),
        integer(root, "port"), state, startedAt, services, tls != null && tls.booleanValue());
  }

  /**
   * Reads {@code bytes} as one JSON object of at most {@value #MAX_BYTES} bytes, into a plain
   * tree (no polymorphic typing): the first checks of every registry payload (instances and
   * operator overrides).
   *
   * @throws InvalidPayloadException for an empty, oversized or non-JSON payload, or one that is
   *     not an object
   */
  static JsonNode readObject(byte[] bytes) throws InvalidPayloadException {
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
    return root;
  }

  /** Returns a new empty JSON object, to be written with {@link #bytes}. */
  static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  /** Returns {@code node} as UTF-8 JSON bytes. */
  static byte[] bytes(ObjectNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Instant startedAt(long millis, Instant now, String instanceId,
      Consumer<String> warnings) throws InvalidPayloadException {
    if (millis < MIN_STARTED_AT.toEpochMilli()) {
      warnings.accept("instance " + instanceId + ": startedAtMs " + millis + " is before "
          + MIN_STARTED_AT + "; using " + MIN_STARTED_AT);
      return MIN_STARTED_AT;
    }
    long latest = now.plus(MAX_STARTED_AT_AHEAD).toEpochMilli();
    if (millis > latest) {
      throw new InvalidPayloadException("startedAtMs " + millis + " is more than "
          + MAX_STARTED_AT_AHEAD + " ahead of this reader's clock (" + now + ")");
    }
    return Instant.ofEpochMilli(millis);
  }

  static String text(JsonNode node, String field) throws InvalidPayloadException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidPayloadException("'" + field + "' is missing or not a string");
    }
    return value.textValue();
  }

  static String optionalText(JsonNode node, String field) throws InvalidPayloadException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new InvalidPayloadException("'" + field + "' is not a string");
    }
    return value.textValue();
  }

  static int integer(JsonNode node, String field) throws InvalidPayloadException {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new InvalidPayloadException("'" + field + "' is missing or not a 32-bit integer");
    }
    return value.intValue();
  }

  static long longValue(JsonNode node, String field) throws InvalidPayloadException {
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
