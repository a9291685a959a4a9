package dev.ferry.it.cdc;

import java.util.List;

/**
 * The SQL of {@link CdcReplicationIT}'s scenario: a table with one column per type Ferry reads from
 * Debezium's events, its rows before the connector starts, and the changes after, in two stages
 * around a truncate.
 *
 * <p>Values are chosen at the edges Debezium's encodings must carry exactly: negative and extreme
 * numbers, decimals with more digits than a double holds, dates and timestamps before 1970,
 * microseconds, a time zone offset other than UTC, NULL in every column.
 *
 * <p>Intervals hold no months or years: Debezium's default {@code MicroDuration} is a count of
 * microseconds that approximates a month as 30.4375 days, so {@code 1 mon} cannot come back as
 * itself from any consumer. Days, hours and microseconds come back exactly.
 */
final class AllTypes {
  private AllTypes() {}

  /** The enum type, in the source's and the target's schema alike. */
  static final String ENUM = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')";

  /** The table's columns, the same at the source and the target. */
  static final String COLUMNS =
      "(id int PRIMARY KEY, c_smallint smallint, c_integer integer, c_bigint bigint,"
          + " c_numeric numeric(12,4), c_decimal numeric, c_real real, c_double double precision,"
          + " c_boolean boolean, c_text text, c_varchar varchar(40), c_uuid uuid, c_date date,"
          + " c_time time, c_timetz timetz, c_timestamp timestamp, c_timestamptz timestamptz,"
          + " c_interval interval, c_json json, c_jsonb jsonb, c_bytea bytea, c_enum mood,"
          + " c_large text)";

  /** The columns in {@link #COLUMNS}' order, for an INSERT. */
  private static final String INSERT =
      "INSERT INTO all_types (id, c_smallint, c_integer, c_bigint, c_numeric, c_decimal, c_real,"
          + " c_double, c_boolean, c_text, c_varchar, c_uuid, c_date, c_time, c_timetz,"
          + " c_timestamp, c_timestamptz, c_interval, c_json, c_jsonb, c_bytea, c_enum, c_large)"
          + " VALUES ";

  /**
   * A text of about 8 KB that does not compress (hex of chained MD5s, salted per row): Postgres
   * stores it out of line (TOAST), so an update that leaves it alone does not log it, and Debezium
   * sends its placeholder instead.
   */
  static String large(int salt) {
    return "(SELECT string_agg(md5(g::text || '-"
        + salt
        + "'), '') FROM generate_series(1, 250) g)";
  }

  /** The rows before the connector starts: the snapshot reads them ({@code op: r}). */
  static List<String> snapshotRows() {
    return List.of(
        INSERT
            + "(1, 7, 42, 9000000000, 12345678.1234, 3.14159265358979323846264338327950288,"
            + " 1.5, 2.718281828459045, true, 'plain', 'varchar',"
            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29', '13:45:30.123456',"
            + " '10:15:30.5+02', '2024-02-29 13:45:30.123456', '2024-02-29 13:45:30.123456+05:30',"
            + " '3 days 04:05:06.789012', '{\"a\": [1, 2.5, \"x\"], \"b\": null}',"
            + " '{\"k\": {\"n\": true}}', '\\x00ff10', 'happy', "
            + large(1)
            + ")",
        INSERT
            + "(2, -32768, -2147483648, -9223372036854775808, -99999999.9999,"
            + " -123456789012345678901234567890.000000000123456789, -3.4e38, 1e-300, false,"
            + " 'quotes '' \" \\ and ünïcödé ✓', '', '00000000-0000-0000-0000-000000000000',"
            + " '1900-01-01', '00:00:00', '23:59:59.999999-11', '1900-01-01 00:00:00.000001',"
            + " '1969-12-31 23:59:59.999999+00', '-3 days -00:00:00.000007', '[]', '[1, \"two\"]',"
            + " '\\x', 'sad', 'short, not toasted')",
        INSERT
            + "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        INSERT
            + "(4, 1, 1, 1, 0.0001, 0, 0, -0.5, true, 'four', 'four', gen_random_uuid(),"
            + " '9999-12-31', '23:59:59.999999', '00:00:00+00', '9999-12-31 23:59:59.999999',"
            + " '2000-01-01 00:00:00+00', '0', '\"a string\"', '\"a string\"', '\\xdeadbeef',"
            + " 'ok', "
            + large(4)
            + ")");
  }

  /**
   * The changes before the truncate: inserts, updates, updates that leave the large column alone
   * (from the snapshot and from an insert), a primary-key change, deletes. Each statement commits
   * on its own but the first three inserts, which share a transaction.
   */
  static List<List<String>> beforeTruncate() {
    return List.of(
        List.of(
            INSERT
                + "(10, 10, 10, 10, 10.5, 10.25, 10.5, 10.125, true, 'ten', 'ten',"
                + " gen_random_uuid(), '2000-01-01', '12:00:00', '12:00:00-03:30',"
                + " '2000-01-01 12:00:00', '2000-01-01 12:00:00-03:30', '1 day', '{}', '{}',"
                + " '\\x0a', 'ok', "
                + large(10)
                + ")",
            INSERT
                + "(11, 11, 11, 11, 11.1111, -0.0000001, -11.5, 1.1e100, false, 'eleven',"
                + " 'eleven', gen_random_uuid(), '1970-01-01', '00:00:00.000001', '00:00:01+14',"
                + " '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '00:00:00.000001',"
                + " '{\"n\": 1}', '{\"n\": 1}', '\\x0b', 'sad', "
                + large(11)
                + ")",
            INSERT
                + "(12, 12, 12, 12, 12, 12, 12, 12, true, 'twelve', 'twelve', NULL, NULL, NULL,"
                + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"),
        List.of(
            "UPDATE all_types SET c_text = 'ten, updated', c_numeric = -10.0001,"
                + " c_timestamptz = '2030-06-30 23:59:59.999999+00', c_jsonb = '{\"v\": 2}',"
                + " c_large = "
                + large(100)
                + " WHERE id = 10"),
        // The large column stays as it is: Debezium sends its placeholder, the row keeps it.
        List.of("UPDATE all_types SET c_integer = c_integer + 1, c_text = 'kept' WHERE id = 1"),
        List.of("UPDATE all_types SET c_enum = 'happy', c_bytea = NULL WHERE id = 11"),
        // Row 2's large column is short (not TOASTed): a key change of a row with a TOASTed value
        // would carry the placeholder into the new key, whose row has nothing to keep.
        List.of("UPDATE all_types SET id = 20, c_text = 'moved from 2' WHERE id = 2"),
        List.of("UPDATE all_types SET c_smallint = 3 WHERE id = 3"),
        List.of("DELETE FROM all_types WHERE id = 12"),
        List.of("DELETE FROM all_types WHERE id = 4"));
  }

  /**
   * The truncate and the changes after it: keys that existed before come back, a new one is
   * inserted, updated leaving its large column alone, and a key is changed and deleted again.
   */
  static List<List<String>> truncateAndAfter() {
    return List.of(
        List.of("TRUNCATE all_types"),
        List.of(
            INSERT
                + "(1, 1, 1, 1, 1, 1, 1, 1, true, 'one again', 'one', gen_random_uuid(),"
                + " '2001-01-01', '01:01:01', '01:01:01+01', '2001-01-01 01:01:01',"
                + " '2001-01-01 01:01:01+01', '01:01:01', '[1]', '[1]', '\\x01', 'ok', "
                + large(1001)
                + ")",
            INSERT
                + "(10, 10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'ten again', NULL, NULL,"
                + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
            INSERT
                + "(30, 30, 30, 30, 30, 30, 30, 30, false, 'thirty', 'thirty', NULL, NULL,"
                + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'sad', 'short')"),
        List.of("UPDATE all_types SET c_text = 'one, large kept' WHERE id = 1"),
        List.of("UPDATE all_types SET id = 31 WHERE id = 30"),
        List.of("DELETE FROM all_types WHERE id = 10"));
  }
}
