package dev.ferry.testkit.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A deterministic stream of Debezium change events of one PostgreSQL table, as Debezium 3.6's
 * PostgreSQL connector writes them through Connect's JsonConverter: the same seed gives the same
 * events, byte for byte. The table (the shape of the example {@code events} plus a key and a
 * version) is
 *
 * <pre>{@code
 * CREATE TABLE events (id bigint PRIMARY KEY, seq bigint NOT NULL, event_id uuid NOT NULL,
 *   user_id text NOT NULL, type text NOT NULL, amount numeric(12,2), ts timestamptz NOT NULL,
 *   attrs jsonb)
 * }</pre>
 *
 * and the layout of keys and values, field for field, is that of real events of this table captured
 * from Debezium (the testkit's {@code debezium-events-table.jsonl}): {@code {"id":…}} keys; values
 * with {@code before} null (default replica identity), {@code after}, the connector's {@code
 * source} block and {@code op}; {@code amount} as a Connect {@code Decimal} (base64
 * two's-complement bytes, scale 2), {@code ts} as a {@code ZonedTimestamp} with six decimals,
 * {@code attrs} as jsonb's own text.
 *
 * <p>Event {@code i} changes the row of a key drawn uniformly from {@code 1..keys}: a create
 * ({@code c}) the first time a key is drawn, an update ({@code u}) after. Each event is its own
 * source transaction: {@code source.lsn}, {@code txId} and the timestamps grow with {@code i}, and
 * {@code seq} is {@code i + 1}, so the row a key ends with holds the {@code seq} of its last event.
 * Not thread-safe.
 */
public final class ChangeEventSequence {

  /** Where {@code source.lsn} starts; it grows by 200 to 599 bytes an event. */
  public static final long BASE_LSN = 22_000_000L;

  /** {@code source.ts_ms} of event {@code i} is this plus {@code i} milliseconds. */
  public static final Instant BASE_TIME = Instant.parse("2026-01-01T00:00:00Z");

  private static final long BASE_TX_ID = 1_000L;
  private static final List<String> SOURCES = List.of("web", "app", "api");
  private static final DateTimeFormatter ZONED_TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonMapper JSON = new JsonMapper();

  private final SplittableRandom random;
  private final int keys;
  private final boolean schemas;
  private final boolean[] seen;
  private final String keyPrefix;
  private final String valuePrefix;
  private final String sourcePrefix;
  private final String valueSuffix;
  private final String schemaAndTable;
  private long index;
  private long lastLsn = -1;

  /**
   * @param topicPrefix Debezium's {@code topic.prefix}, which also names the Connect schemas
   * @param schema the source table's schema, e.g. {@code public}
   * @param table the source table's name, e.g. {@code events}
   * @param schemas whether keys and values carry the Connect schema wrapper ({@code
   *     schemas.enable})
   */
  public ChangeEventSequence(
      long seed, int keys, String topicPrefix, String schema, String table, boolean schemas) {
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be >= 1, was " + keys);
    }
    this.random = new SplittableRandom(seed);
    this.keys = keys;
    this.schemas = schemas;
    this.seen = new boolean[keys + 1];
    String names = topicPrefix + "." + schema + "." + table;
    this.keyPrefix = schemas ? "{\"schema\":" + compact(keySchema(names)) + ",\"payload\":" : "";
    this.valuePrefix =
        (schemas ? "{\"schema\":" + compact(valueSchema(names)) + ",\"payload\":" : "")
            + "{\"before\":null,\"after\":";
    this.sourcePrefix =
        ",\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\",\"name\":\""
            + topicPrefix
            + "\",\"ts_ms\":";
    this.valueSuffix = schemas ? "}}" : "}";
    this.schemaAndTable = "\"schema\":\"" + schema + "\",\"table\":\"" + table + "\"";
  }

  /** The size of the key space: ids are {@code 1..keys}. */
  public int keys() {
    return keys;
  }

  /** The next event. */
  public ChangeEvent next() {
    long i = index++;
    long id = 1 + random.nextInt(keys);
    String op = seen[(int) id] ? "u" : "c";
    seen[(int) id] = true;
    long lsn = (lastLsn < 0 ? BASE_LSN : lastLsn) + 200 + random.nextInt(400);
    long seq = i + 1;
    StringBuilder key = new StringBuilder(keyPrefix.length() + 24).append(keyPrefix);
    key.append("{\"id\":").append(id).append('}');
    if (schemas) {
      key.append('}');
    }
    StringBuilder value = new StringBuilder(valuePrefix.length() + 700).append(valuePrefix);
    appendAfter(value, i, id, seq);
    appendSource(value, i, lsn);
    long envelopeMicros = (BASE_TIME.toEpochMilli() + i + 5) * 1_000 + random.nextInt(1_000);
    value.append(",\"transaction\":null,\"op\":\"").append(op).append('"');
    appendTimes(value, envelopeMicros);
    value.append(valueSuffix);
    lastLsn = lsn;
    return new ChangeEvent(i, id, op, lsn, seq, key.toString(), value.toString());
  }

  private void appendAfter(StringBuilder out, long i, long id, long seq) {
    String eventId =
        new UUID(
                (random.nextLong() & ~0xF000L) | 0x4000L,
                (random.nextLong() & ~(0xCL << 60)) | (0x8L << 60))
            .toString();
    String user = "user-" + random.nextInt(1_000);
    String type = Event.TYPES.get(random.nextInt(Event.TYPES.size()));
    long cents = random.nextLong(1_000_000); // [0.00, 9999.99]
    Instant ts = EventSequence.BASE_TIME.plusSeconds(i).plusMillis(random.nextInt(1_000));
    String source = SOURCES.get(random.nextInt(SOURCES.size()));
    out.append("{\"id\":").append(id).append(",\"seq\":").append(seq);
    out.append(",\"event_id\":\"").append(eventId);
    out.append("\",\"user_id\":\"").append(user);
    out.append("\",\"type\":\"").append(type);
    out.append("\",\"amount\":\"").append(decimal(cents));
    out.append("\",\"ts\":\"").append(ZONED_TIMESTAMP.format(ts));
    // jsonb's text: keys by length, then bytewise; a space after ':' and ','
    out.append("\",\"attrs\":\"{\\\"n\\\": ").append(i).append(", \\\"source\\\": \\\"");
    out.append(source).append("\\\"}\"}");
  }

  private void appendSource(StringBuilder out, long i, long lsn) {
    long sourceMicros = (BASE_TIME.toEpochMilli() + i) * 1_000 + random.nextInt(1_000);
    out.append(sourcePrefix).append(sourceMicros / 1_000);
    out.append(",\"snapshot\":\"false\",\"db\":\"postgres\",\"sequence\":\"[");
    // [the previous commit's LSN, this event's LSN], as strings; null before the first commit
    out.append(lastLsn < 0 ? "null" : "\\\"" + lastLsn + "\\\"");
    out.append(",\\\"").append(lsn).append("\\\"]\"");
    out.append(",\"ts_us\":").append(sourceMicros);
    out.append(",\"ts_ns\":").append(sourceMicros * 1_000);
    out.append(',').append(schemaAndTable);
    out.append(",\"txId\":").append(BASE_TX_ID + i);
    out.append(",\"lsn\":").append(lsn);
    out.append(",\"xmin\":null,\"origin\":null,\"origin_lsn\":null}");
  }

  private static void appendTimes(StringBuilder out, long micros) {
    out.append(",\"ts_ms\":").append(micros / 1_000);
    out.append(",\"ts_us\":").append(micros);
    out.append(",\"ts_ns\":").append(micros * 1_000);
  }

  /** A Connect {@code Decimal}: the unscaled value's big-endian two's complement, in base64. */
  static String decimal(long unscaled) {
    return Base64.getEncoder().encodeToString(BigInteger.valueOf(unscaled).toByteArray());
  }

  private static String compact(String json) {
    try {
      return JSON.writeValueAsString(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a Connect schema of the change events is not JSON", e);
    }
  }

  private static String keySchema(String names) {
    return """
        {"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"}],
         "optional":false,"name":"%s.Key"}"""
        .formatted(names);
  }

  private static String valueSchema(String names) {
    String row = rowSchema(names);
    return """
        {"type":"struct","fields":[%s,%s,%s,
          {"type":"struct","fields":[
            {"type":"string","optional":false,"field":"id"},
            {"type":"int64","optional":false,"field":"total_order"},
            {"type":"int64","optional":false,"field":"data_collection_order"}],
           "optional":true,"name":"event.block","version":1,"field":"transaction"},
          {"type":"string","optional":false,"field":"op"},
          {"type":"int64","optional":true,"field":"ts_ms"},
          {"type":"int64","optional":true,"field":"ts_us"},
          {"type":"int64","optional":true,"field":"ts_ns"}],
         "optional":false,"name":"%s.Envelope","version":2}"""
        .formatted(row.formatted("before"), row.formatted("after"), sourceSchema(), names);
  }

  /** The row's struct; {@code %s} is left for the field name (before, after). */
  private static String rowSchema(String names) {
    return """
        {"type":"struct","fields":[
          {"type":"int64","optional":false,"field":"id"},
          {"type":"int64","optional":false,"field":"seq"},
          {"type":"string","optional":false,"name":"io.debezium.data.Uuid","version":1,"field":"event_id"},
          {"type":"string","optional":false,"field":"user_id"},
          {"type":"string","optional":false,"field":"type"},
          {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
           "parameters":{"scale":"2","connect.decimal.precision":"12"},"field":"amount"},
          {"type":"string","optional":false,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"ts"},
          {"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"attrs"}],
         "optional":true,"name":"NAMES.Value","field":"%s"}"""
        .replace("NAMES", names);
  }

  private static String sourceSchema() {
    return """
        {"type":"struct","fields":[
          {"type":"string","optional":false,"field":"version"},
          {"type":"string","optional":false,"field":"connector"},
          {"type":"string","optional":false,"field":"name"},
          {"type":"int64","optional":false,"field":"ts_ms"},
          {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,
           "parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},
           "default":"false","field":"snapshot"},
          {"type":"string","optional":false,"field":"db"},
          {"type":"string","optional":true,"field":"sequence"},
          {"type":"int64","optional":true,"field":"ts_us"},
          {"type":"int64","optional":true,"field":"ts_ns"},
          {"type":"string","optional":false,"field":"schema"},
          {"type":"string","optional":false,"field":"table"},
          {"type":"int64","optional":true,"field":"txId"},
          {"type":"int64","optional":true,"field":"lsn"},
          {"type":"int64","optional":true,"field":"xmin"},
          {"type":"string","optional":true,"field":"origin"},
          {"type":"int64","optional":true,"field":"origin_lsn"}],
         "optional":false,"name":"io.debezium.connector.postgresql.Source","version":1,"field":"source"}""";
  }
}
