package dev.switchboard.discovery.zk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.Change;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.rpc.ServiceWeights;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encodes and strictly decodes an operator override node, read into fixed types like the
 * instance payload ({@link InstanceCodec}, whose first checks it shares: at most
 * {@value #MAX_BYTES} bytes, one JSON object, no polymorphic typing). Unknown fields are
 * ignored. Immutable and thread-safe.
 *
 * <pre>{@code
 * {"schema":1,"drain":true,"weight":300,
 *  "history":[{"who":"alice","when":"2026-12-01T10:00:00Z","change":"drain","old":"false",
 *              "new":"true"}]}
 * }</pre>
 *
 * <p>Unlike a published weight, which is clamped, an override weight outside
 * {@link ServiceWeights#MIN}..{@link ServiceWeights#MAX} makes the node invalid: an operator
 * wrote it, and guessing what they meant is worse than ignoring it.
 */
public final class OverrideCodec {
  /** The override schema this code writes and reads. */
  public static final int SCHEMA = 1;
  /** The largest override node written or accepted: the instance payload's limit. */
  public static final int MAX_BYTES = InstanceCodec.MAX_BYTES;
  /** The most history entries written; older ones are dropped (and more if they do not fit). */
  public static final int MAX_HISTORY = 32;
  /** The longest operator name recorded. */
  public static final int MAX_WHO = 64;
  private static final int MAX_VALUE = 64;

  private OverrideCodec() {}

  /**
   * Returns {@code who} if it may be recorded as an operator: 1 to {@value #MAX_WHO}
   * characters, no control characters.
   *
   * @throws IllegalArgumentException naming the value and what is allowed otherwise
   */
  public static String checkWho(String who) {
    if (who == null || who.isBlank() || who.length() > MAX_WHO
        || who.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("operator name '" + who + "' is invalid (allowed: 1-"
          + MAX_WHO + " characters, not blank, no control characters)");
    }
    return who;
  }

  /**
   * Returns {@code override} as JSON bytes, keeping the newest {@value #MAX_HISTORY} history
   * entries, or fewer if that is what fits in {@value #MAX_BYTES} bytes.
   */
  public static byte[] encode(InstanceOverride override) {
    List<Change> history = override.history();
    int from = Math.max(0, history.size() - MAX_HISTORY);
    while (true) {
      byte[] bytes = encode(override, history.subList(from, history.size()));
      if (bytes.length <= MAX_BYTES || from == history.size()) {
        return bytes;
      }
      from++;
    }
  }

  private static byte[] encode(InstanceOverride override, List<Change> history) {
    ObjectNode root = InstanceCodec.newObject();
    root.put("schema", SCHEMA);
    root.put("drain", override.drain());
    if (override.weight().isPresent()) {
      root.put("weight", override.weight().get());
    } else {
      root.putNull("weight");
    }
    ArrayNode entries = root.putArray("history");
    for (Change change : history) {
      ObjectNode entry = entries.addObject();
      entry.put("who", change.who());
      entry.put("when", change.when().toString());
      entry.put("change", change.change());
      entry.put("old", change.oldValue());
      entry.put("new", change.newValue());
    }
    return InstanceCodec.bytes(root);
  }

  /**
   * Decodes and validates the override node of {@code instanceId}.
   *
   * @throws InvalidPayloadException saying what is wrong, for any node that is not a valid
   *     schema-1 override (bad JSON, oversized, a weight outside 1..10000, a bad history entry)
   */
  public static InstanceOverride decode(String instanceId, byte[] bytes)
      throws InvalidPayloadException {
    JsonNode root = InstanceCodec.readObject(bytes);
    int schema = InstanceCodec.integer(root, "schema");
    if (schema != SCHEMA) {
      throw new InvalidPayloadException("unknown override schema " + schema
          + " (this reader knows " + SCHEMA + ")");
    }
    JsonNode drain = root.get("drain");
    if (drain == null || !drain.isBoolean()) {
      throw new InvalidPayloadException("'drain' is missing or not true or false");
    }
    Optional<Integer> weight = Optional.empty();
    JsonNode weightNode = root.get("weight");
    if (weightNode != null && !weightNode.isNull()) {
      int value = InstanceCodec.integer(root, "weight");
      if (value < ServiceWeights.MIN || value > ServiceWeights.MAX) {
        throw new InvalidPayloadException("weight " + value + " is out of range (allowed: "
            + ServiceWeights.MIN + ".." + ServiceWeights.MAX + ")");
      }
      weight = Optional.of(value);
    }
    List<Change> history = new ArrayList<>();
    JsonNode array = root.get("history");
    if (array != null && !array.isNull()) {
      if (!array.isArray()) {
        throw new InvalidPayloadException("'history' is not an array");
      }
      for (JsonNode entry : array) {
        if (!entry.isObject()) {
          throw new InvalidPayloadException("a 'history' entry is not an object");
        }
        history.add(change(entry));
      }
    }
    return new InstanceOverride(instanceId, drain.booleanValue(), weight, history);
  }

  private static Change change(JsonNode entry) throws InvalidPayloadException {
    String who = InstanceCodec.text(entry, "who");
    try {
      checkWho(who);
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("history: " + e.getMessage());
    }
    Instant when;
    try {
      when = Instant.parse(InstanceCodec.text(entry, "when"));
    } catch (DateTimeParseException e) {
      throw new InvalidPayloadException("history: 'when' is not an ISO-8601 instant");
    }
    return new Change(who, when, value(entry, "change"), value(entry, "old"),
        value(entry, "new"));
  }

  private static String value(JsonNode entry, String field) throws InvalidPayloadException {
    String value = InstanceCodec.text(entry, field);
    if (value.length() > MAX_VALUE) {
      throw new InvalidPayloadException("history: '" + field + "' is longer than " + MAX_VALUE
          + " characters");
    }
    return value;
  }
}
