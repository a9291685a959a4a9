package dev.ferry.errors;

/**
 * Every reason a record is dead-lettered for: the code written to the {@code ferry.dlt.reason}
 * header and the {@code reason} label of {@code ferry_records_dead_lettered_total}, with the stage
 * it fails in. This is the only place a code is spelt; {@code docs/errors.md} lists the same codes
 * ({@code ReasonCodesDocsTest} holds the two together). Codes are part of the DLT contract: an
 * operator filters and alerts on them, so a code is never renamed, only added.
 */
public enum Reason {
  /** The value is not JSON, or is empty. */
  INVALID_JSON("invalid-json", Stage.DECODE),
  /** The value (or, for a delete, the key) is not valid UTF-8. */
  INVALID_UTF8("invalid-utf8", Stage.DECODE),
  /** The value is JSON but not an object. */
  NOT_AN_OBJECT("not-an-object", Stage.DECODE),
  /** A registry-framed value is too short or does not start with magic byte 0. */
  INVALID_FRAMING("invalid-framing", Stage.DECODE),
  /** The registry does not know the schema id of a registry-framed value. */
  UNKNOWN_SCHEMA("unknown-schema", Stage.DECODE),
  /** An Avro body its writer's schema cannot read (truncated, corrupt, trailing bytes). */
  INVALID_AVRO("invalid-avro", Stage.DECODE),
  /** A Protobuf body (or its message indexes) its schema cannot read. */
  INVALID_PROTOBUF("invalid-protobuf", Stage.DECODE),
  /** The value breaks the pipeline's JSON Schema. */
  SCHEMA_VIOLATION("schema-violation", Stage.VALIDATE),
  /** The value is null and the pipeline's tombstone policy is {@code dead-letter}. */
  TOMBSTONE("tombstone", Stage.DECODE),
  /** A delete by key, or a column reading {@code @key/…}, finds no key. */
  MISSING_KEY("missing-key", Stage.DECODE),
  /** The key does not give the key columns, or is not the JSON object a column reads from. */
  INVALID_KEY("invalid-key", Stage.DECODE),
  /** A change-event pipeline's value is not a Debezium change event it can read. */
  INVALID_ENVELOPE("invalid-envelope", Stage.DECODE),
  /** A change event whose {@code op} Ferry does not apply (not r, c, u, d or t). */
  UNKNOWN_OP("unknown-op", Stage.DECODE),
  /** A truncate event, under the pipeline's {@code truncate: dead-letter} setting. */
  TRUNCATE("truncate", Stage.DECODE),
  /** A change event's row has a field the table has no column for ({@code unknown-fields}). */
  UNKNOWN_FIELD("unknown-field", Stage.TRANSFORM),
  /** A value its column's type cannot hold, found before any write. */
  COERCION_FAILED("coercion-failed", Stage.TRANSFORM),
  /** A string holds a NUL character, which Postgres cannot store in text or jsonb. */
  NUL_CHARACTER("nul-character", Stage.TRANSFORM),
  /** The pipeline's transform refused the record, failed on it, or wrote to a foreign table. */
  TRANSFORM_FAILED("transform-failed", Stage.TRANSFORM),
  /** The table a record routes to is not a valid name, or the pipeline's allow-list refuses it. */
  TABLE_NOT_ALLOWED("table-not-allowed", Stage.TRANSFORM),
  /** A header or field the pipeline's table template needs is absent, null or empty. */
  ROUTE_MISSING("route-missing", Stage.TRANSFORM),
  /** The table a record routes to does not exist, and could not be created. */
  TABLE_MISSING("table-missing", Stage.TRANSFORM),
  /** SQLSTATE 23502: a required column got no value. */
  NOT_NULL_VIOLATION("not-null-violation", Stage.SINK),
  /** SQLSTATE 23514: a CHECK constraint rejected the row. */
  CHECK_VIOLATION("check-violation", Stage.SINK),
  /** SQLSTATE 23505. */
  UNIQUE_VIOLATION("unique-violation", Stage.SINK),
  /** SQLSTATE 23503. */
  FOREIGN_KEY_VIOLATION("foreign-key-violation", Stage.SINK),
  /** Any other SQLSTATE of class 23 (integrity constraint). */
  CONSTRAINT_VIOLATION("constraint-violation", Stage.SINK),
  /** SQLSTATE 22001: Postgres found a string too long. */
  VALUE_TOO_LONG("value-too-long", Stage.SINK),
  /** SQLSTATE 22003: a number Postgres refused after Ferry's own range checks. */
  NUMERIC_OUT_OF_RANGE("numeric-out-of-range", Stage.SINK),
  /** Any other SQLSTATE of class 22 (data exception). */
  INVALID_VALUE("invalid-value", Stage.SINK),
  /** SQLSTATE class 42: the table changed under Ferry, or a permission is missing. */
  SCHEMA_MISMATCH("schema-mismatch", Stage.SINK),
  /**
   * A record declares a required field its table lacks: with {@code evolve} only optional fields
   * add (nullable) columns.
   */
  SCHEMA_EVOLUTION_REFUSED("schema-evolution-refused", Stage.TRANSFORM),
  /** An unknown sink failure that outlived {@code retry.max-attempts}. */
  SINK_ERROR("sink-error", Stage.SINK);

  private final String code;
  private final Stage stage;

  Reason(String code, Stage stage) {
    this.code = code;
    this.stage = stage;
  }

  /** The short machine-readable code, e.g. {@code invalid-json}. */
  public String code() {
    return code;
  }

  /** Where in the pipeline a record fails for this reason. */
  public Stage stage() {
    return stage;
  }

  @Override
  public String toString() {
    return code;
  }
}
