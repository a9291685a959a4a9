package dev.ferry.ddl;

/**
 * One field a record's declared schema (a JSON Schema, a registry's Avro schema, a Debezium
 * envelope's schema) says a row has, as the column Ferry would create or add for it.
 *
 * @param name the column name (the field's name, as the columns-by-name rules map it)
 * @param sqlType the Postgres type to create it with ({@code bigint}, {@code text}, {@code
 *     timestamptz}, {@code numeric(12,2)} …)
 * @param optional whether the schema lets the field be absent or null; only an optional field may
 *     become a new column of an existing table (it is added as nullable)
 */
public record DeclaredColumn(String name, String sqlType, boolean optional) {}
