package dev.ferry.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One mapping from topics to tables.
 *
 * @param name unique among the pipelines; appears in logs, metrics and DLT headers
 * @param topics the input topics; a topic belongs to one pipeline only
 * @param schema optional path of a JSON Schema the values must match
 * @param primary the pipeline's own table ({@code table}, {@code mode}, {@code key-columns}, {@code
 *     columns}); every record is written there unless a transform says otherwise
 * @param tombstones what a record with a null value does (deletes go to the primary table)
 * @param transform the name of a {@code RecordTransform} from a plugin, if any
 * @param transformOptions passed to the transform once at start
 * @param targets further tables a transform may write to
 * @param cdc present when the values are Debezium change events ({@code envelope: debezium}): the
 *     pipeline applies each event's operation to its table, newer changes winning
 * @param format how values are read: {@code json}, {@code avro} or {@code protobuf}
 * @param keyFormat how keys are read (key columns, {@code @key}, deletes): {@code text}, {@code
 *     avro} or {@code protobuf}
 * @param tableTemplate present when {@code table} has placeholders: each record's table is resolved
 *     from it (and checked against its allow-list); {@code primary}'s table is then only the
 *     template's text, never a table to describe (see {@link #fixedTargets()})
 * @param unknownFields what a plain value's top-level field that no column takes does, for a table
 *     mapped by name ({@code unknown-fields}); change events use {@link
 *     CdcSettings#unknownFields()}
 */
public record PipelineSettings(
    String name,
    List<String> topics,
    Optional<String> schema,
    TargetSettings primary,
    Tombstones tombstones,
    Optional<String> transform,
    Map<String, String> transformOptions,
    List<TargetSettings> targets,
    Optional<CdcSettings> cdc,
    RecordFormat format,
    RecordFormat keyFormat,
    Optional<TableTemplate> tableTemplate,
    CdcSettings.UnknownFields unknownFields) {

  /** What a tombstone (a record whose value is null) does. */
  public enum Tombstones {
    /** Nothing: the record is completed without a row (the default). */
    SKIP,
    /** Deletes the rows whose key columns equal the record key. */
    DELETE,
    /** Sends the record to the dead-letter topic, reason {@code tombstone}. */
    DEAD_LETTER
  }

  /** How rows are written. */
  public enum Mode {
    INSERT,
    UPSERT
  }

  public PipelineSettings {
    topics = List.copyOf(topics);
    transformOptions = Map.copyOf(transformOptions);
    targets = List.copyOf(targets);
  }

  /** A pipeline with a fixed table whose unknown fields are ignored. */
  public PipelineSettings(
      String name,
      List<String> topics,
      Optional<String> schema,
      TargetSettings primary,
      Tombstones tombstones,
      Optional<String> transform,
      Map<String, String> transformOptions,
      List<TargetSettings> targets,
      Optional<CdcSettings> cdc,
      RecordFormat format,
      RecordFormat keyFormat) {
    this(
        name,
        topics,
        schema,
        primary,
        tombstones,
        transform,
        transformOptions,
        targets,
        cdc,
        format,
        keyFormat,
        Optional.empty(),
        CdcSettings.UnknownFields.IGNORE);
  }

  /** Whether each record's table is resolved from a template. */
  public boolean routed() {
    return tableTemplate.isPresent();
  }

  /**
   * The tables known from the config alone, described at start and checked by {@code ferry check}:
   * every target of a pipeline with a fixed table, none of a routed one (its tables are described
   * when a record first goes to them).
   */
  public List<TargetSettings> fixedTargets() {
    return routed() ? List.of() : allTargets();
  }

  /** A pipeline without a transform: every record becomes one row of {@code table}. */
  public static PipelineSettings simple(
      String name,
      List<String> topics,
      Optional<String> schema,
      TargetSettings table,
      Tombstones tombstones) {
    return new PipelineSettings(
        name,
        topics,
        schema,
        table,
        tombstones,
        Optional.empty(),
        Map.of(),
        List.of(),
        Optional.empty(),
        RecordFormat.JSON,
        RecordFormat.TEXT);
  }

  /** The primary table and then the further targets. */
  public List<TargetSettings> allTargets() {
    List<TargetSettings> all = new java.util.ArrayList<>(targets.size() + 1);
    all.add(primary);
    all.addAll(targets);
    return all;
  }

  public TableName table() {
    return primary.table();
  }

  public Mode mode() {
    return primary.mode();
  }

  public List<String> keyColumns() {
    return primary.keyColumns();
  }

  public Map<String, ColumnSource> columns() {
    return primary.columns();
  }

  @Override
  public String toString() {
    return "pipeline{name="
        + name
        + ", topics="
        + topics
        + ", table="
        + tableTemplate
            .map(t -> t.text() + ", tables-allowed=" + t.allowed())
            .orElse(table().toString())
        + ", mode="
        + mode().name().toLowerCase(java.util.Locale.ROOT)
        + ", columns="
        + columns().keySet()
        + ", tombstones="
        + tombstones.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
        + (format == RecordFormat.JSON ? "" : ", format=" + format.label())
        + (keyFormat == RecordFormat.TEXT ? "" : ", key-format=" + keyFormat.label())
        + (primary.columnsByName() && cdc.isEmpty() ? ", columns-by-name" : "")
        + (unknownFields == CdcSettings.UnknownFields.DEAD_LETTER && cdc.isEmpty()
            ? ", unknown-fields=dead-letter"
            : "")
        + cdc.map(c -> ", envelope=debezium, truncate=" + c.truncate().label()).orElse("")
        + transform.map(t -> ", transform=" + t).orElse("")
        + (targets.isEmpty()
            ? ""
            : ", targets=" + targets.stream().map(t -> t.table().toString()).toList())
        + "}";
  }
}
