package dev.ferry.it.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/**
 * Two versions of one Avro schema of orders, records of either version and the row each must
 * become. Version 1 has every type the Avro format maps: a decimal in bytes and one in fixed, date,
 * time-millis and -micros, timestamp-millis and -micros, local-timestamp-millis and -micros, uuid,
 * a nested record, an array, a map, an enum, fixed and bytes, and a union with null. Version 2 adds
 * an optional {@code coupon} and a decimal {@code discount}. The values reach the edges: decimals
 * at their precision, negative ones, days and instants before 1970 with microseconds, the last
 * microsecond of a day, longs beyond a double's precision, bytes 0x00 and 0xff.
 */
final class AvroOrders {
  private static final String V1_FIELDS =
      """
      {"name": "id", "type": "long"},
      {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
        "precision": 20, "scale": 6}},
      {"name": "price", "type": {"type": "fixed", "name": "Price", "size": 8,
        "logicalType": "decimal", "precision": 18, "scale": 4}},
      {"name": "day", "type": {"type": "int", "logicalType": "date"}},
      {"name": "at_millis", "type": {"type": "int", "logicalType": "time-millis"}},
      {"name": "at_micros", "type": {"type": "long", "logicalType": "time-micros"}},
      {"name": "ts_millis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
      {"name": "ts_micros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
      {"name": "local_millis", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
      {"name": "local_micros", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
      {"name": "ref", "type": {"type": "string", "logicalType": "uuid"}},
      {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [
        {"name": "name", "type": "string"},
        {"name": "tier", "type": "int"},
        {"name": "vip", "type": "boolean"}]}},
      {"name": "tags", "type": {"type": "array", "items": "string"}},
      {"name": "attrs", "type": {"type": "map", "values": "long"}},
      {"name": "status", "type": {"type": "enum", "name": "Status",
        "symbols": ["NEW", "PAID", "SHIPPED"]}},
      {"name": "checksum", "type": {"type": "fixed", "name": "Md5", "size": 16}},
      {"name": "payload", "type": "bytes"},
      {"name": "note", "type": ["null", "string"], "default": null}""";

  private static final String V2_FIELDS =
      """
      ,
      {"name": "coupon", "type": ["null", "string"], "default": null},
      {"name": "discount", "type": {"type": "bytes", "logicalType": "decimal",
        "precision": 10, "scale": 2}, "default": "\\u0000"}""";

  /** The text registered as version 1. */
  static final String V1 = schema(V1_FIELDS);

  /** The text registered as version 2: version 1 and two more fields. */
  static final String V2 = schema(V1_FIELDS + V2_FIELDS);

  /** The table the rows land in, one column per field (and two pointers into nested values). */
  static final String TABLE =
      "(id bigint PRIMARY KEY, amount numeric(20,6), price numeric(18,4), day date,"
          + " at_millis time, at_micros time, ts_millis timestamptz, ts_micros timestamptz,"
          + " local_millis timestamp, local_micros timestamp, ref uuid, customer jsonb,"
          + " customer_name text, tags jsonb, first_tag text, attrs jsonb, big bigint,"
          + " status text, checksum bytea, payload bytea, note text, coupon text,"
          + " discount numeric(10,2))";

  /** Each column and the JSON Pointer into the decoded record that fills it. */
  static final Map<String, String> COLUMNS = columns();

  private static final Schema V1_SCHEMA = new Schema.Parser().parse(V1);
  private static final Schema V2_SCHEMA = new Schema.Parser().parse(V2);
  private static final String[] STATUS = {"NEW", "PAID", "SHIPPED"};
  private static final ZoneOffset UTC = ZoneOffset.UTC;

  private AvroOrders() {}

  private static String schema(String fields) {
    return "{\"type\": \"record\", \"name\": \"Order\", \"namespace\": \"dev.ferry.it\","
        + " \"fields\": [\n"
        + fields
        + "]}";
  }

  private static Map<String, String> columns() {
    Map<String, String> columns = new LinkedHashMap<>();
    for (String field :
        List.of(
            "id",
            "amount",
            "price",
            "day",
            "at_millis",
            "at_micros",
            "ts_millis",
            "ts_micros",
            "local_millis",
            "local_micros",
            "ref",
            "customer",
            "tags",
            "attrs",
            "status",
            "checksum",
            "payload",
            "note",
            "coupon",
            "discount")) {
      columns.put(field, "/" + field);
    }
    columns.put("customer_name", "/customer/name");
    columns.put("first_tag", "/tags/0");
    columns.put("big", "/attrs/big");
    return columns;
  }

  /** Order {@code i} (its id is {@code i + 1}): odd ones are written with version 2. */
  static boolean isVersion2(int i) {
    return i % 2 == 1;
  }

  /** The record of order {@code i}, in its version's schema. */
  static GenericRecord record(int i) {
    Schema schema = isVersion2(i) ? V2_SCHEMA : V1_SCHEMA;
    Schema customer = schema.getField("customer").schema();
    GenericRecordBuilder order =
        new GenericRecordBuilder(schema)
            .set("id", (long) i + 1)
            .set("amount", amount(i))
            .set("price", price(i))
            .set("day", day(i))
            .set("at_millis", time(i).truncatedTo(ChronoUnit.MILLIS))
            .set("at_micros", time(i))
            .set("ts_millis", instant(i).truncatedTo(ChronoUnit.MILLIS))
            .set("ts_micros", instant(i))
            .set("local_millis", local(i).truncatedTo(ChronoUnit.MILLIS))
            .set("local_micros", local(i))
            .set("ref", ref(i))
            .set(
                "customer",
                new GenericRecordBuilder(customer)
                    .set("name", customerName(i))
                    .set("tier", i % 4)
                    .set("vip", i % 2 == 0)
                    .build())
            .set("tags", tags(i))
            .set("attrs", attrs(i))
            .set(
                "status",
                new GenericData.EnumSymbol(schema.getField("status").schema(), STATUS[i % 3]))
            .set("checksum", new GenericData.Fixed(schema.getField("checksum").schema(), md5(i)))
            .set("payload", ByteBuffer.wrap(payload(i)))
            .set("note", note(i));
    if (isVersion2(i)) {
      order.set("coupon", coupon(i)).set("discount", discount(i));
    }
    return order.build();
  }

  /** The row order {@code i} must become, column by column; version 1 has NULL in 2's columns. */
  static Map<String, Object> row(int i) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", (long) i + 1);
    row.put("amount", amount(i));
    row.put("price", price(i));
    row.put("day", day(i));
    row.put("at_millis", time(i).truncatedTo(ChronoUnit.MILLIS));
    row.put("at_micros", time(i));
    row.put("ts_millis", OffsetDateTime.ofInstant(instant(i).truncatedTo(ChronoUnit.MILLIS), UTC));
    row.put("ts_micros", OffsetDateTime.ofInstant(instant(i), UTC));
    row.put("local_millis", local(i).truncatedTo(ChronoUnit.MILLIS));
    row.put("local_micros", local(i));
    row.put("ref", ref(i));
    row.put(
        "customer",
        ExactRows.json(
            "{\"name\": \"%s\", \"tier\": %d, \"vip\": %b}"
                .formatted(customerName(i).replace("\"", "\\\""), i % 4, i % 2 == 0)));
    row.put("customer_name", customerName(i));
    row.put("tags", ExactRows.json(tagsJson(i)));
    row.put("first_tag", tags(i).isEmpty() ? null : tags(i).get(0));
    row.put("attrs", ExactRows.json(attrsJson(i)));
    row.put("big", attrs(i).get("big"));
    row.put("status", STATUS[i % 3]);
    row.put("checksum", md5(i));
    row.put("payload", payload(i));
    row.put("note", note(i));
    row.put("coupon", isVersion2(i) ? coupon(i) : null);
    row.put("discount", isVersion2(i) ? discount(i) : null);
    return row;
  }

  /** Scale 6; the first at the full precision of 20 digits, every third negative. */
  private static BigDecimal amount(int i) {
    if (i == 0) {
      return new BigDecimal("99999999999999.999999");
    }
    BigDecimal value = BigDecimal.valueOf(i * 1_000_003L + 7, 6);
    return i % 3 == 0 ? value.negate() : value;
  }

  /** Scale 4 in a fixed of 8 bytes; the first at the full precision of 18 digits. */
  private static BigDecimal price(int i) {
    if (i == 0) {
      return new BigDecimal("-99999999999999.9999");
    }
    BigDecimal value = BigDecimal.valueOf(i * 12_345_678L + 1, 4);
    return i % 2 == 0 ? value.negate() : value;
  }

  private static BigDecimal discount(int i) {
    return BigDecimal.valueOf(i * 25L + 1, 2);
  }

  /** From 1969-12-20 (a negative epoch day) on, 1000 days apart. */
  private static LocalDate day(int i) {
    return LocalDate.of(1969, 12, 20).plusDays(i * 1000L);
  }

  /** Times to the microsecond; the last one is the day's last microsecond. */
  private static LocalTime time(int i) {
    if (i == 1) {
      return LocalTime.of(23, 59, 59, 999_999_000);
    }
    return LocalTime.ofNanoOfDay((i * 3_601_234_567_000L) % 86_400_000_000_000L);
  }

  /** Instants to the microsecond, the first one a microsecond before 1970. */
  private static Instant instant(int i) {
    return Instant.parse("1969-12-31T23:59:59.999999Z")
        .plusSeconds(i * 86_399L * 97)
        .plusNanos(i * 7_001_000L);
  }

  private static LocalDateTime local(int i) {
    return LocalDateTime.ofInstant(instant(i), UTC).minusHours(5).plusNanos(i * 1_000L);
  }

  private static UUID ref(int i) {
    return UUID.nameUUIDFromBytes(("order-" + i).getBytes(UTF_8));
  }

  private static String customerName(int i) {
    return "customer " + i + " \"Zoë\"";
  }

  private static List<String> tags(int i) {
    return i % 5 == 0 ? List.of() : List.of("t" + i, "shared");
  }

  private static String tagsJson(int i) {
    return i % 5 == 0 ? "[]" : "[\"t" + i + "\", \"shared\"]";
  }

  /** {@code big} is beyond a double's 53 bits, so only an exact path keeps it. */
  private static Map<String, Long> attrs(int i) {
    Map<String, Long> attrs = new LinkedHashMap<>();
    attrs.put("n", (long) i);
    attrs.put("big", 9_007_199_254_740_993L + i);
    return attrs;
  }

  private static String attrsJson(int i) {
    return "{\"n\": " + i + ", \"big\": " + (9_007_199_254_740_993L + i) + "}";
  }

  private static byte[] md5(int i) {
    try {
      return MessageDigest.getInstance("MD5").digest(("order-" + i).getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Empty for every sixth; otherwise bytes 0x00 and 0xff around the order's number. */
  private static byte[] payload(int i) {
    return i % 6 == 0 ? new byte[0] : new byte[] {0, (byte) i, (byte) 0xff, 0x7f, (byte) 0x80};
  }

  private static String note(int i) {
    return i % 4 == 0 ? null : "note " + i;
  }

  private static String coupon(int i) {
    return i % 3 == 0 ? null : "C" + i;
  }
}
