package dev.ferry.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One mapping from topics to tables.
 *
 * @param name unique among the pipelines; appears in logs, metrics and DLT headers
 * @param topics the input topics listed by name; a topic belongs to one pipeline only. Empty when
 *     the pipeline subscribes by {@code topicPattern}
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
 * @param topicPattern the {@code topic-pattern} the pipeline subscribes by, instead of {@code
 *     topics}; which pipeline a topic matched by several belongs to is {@link TopicRouting}'s rule
 * @param autoCreate {@code auto-create}: a missing target table is created from the records'
 *     declared schema (the JSON Schema, the registry's Avro schema, or the Debezium envelope's)
 * @param evolve {@code evolve}: a new optional field of the declared schema adds a nullable column
 * @param tableTemplate present when {@code table} has placeholders: each record's table is resolved
 *     from it (and checked against its allow-list); {@code primary}'s table is then only the
 *     template's text, never a table to describe (see {@link #fixedTargets()})
 * @param unknownFields what a plain value's top-level field that no column takes does, for a table
 *     mapped by name ({@code unknown-fields}); change events use {@link
 *     CdcSettings#unknownFields()}
 * @param rateLimit {@code rate-limit}: records per second and transactions at once, per worker
 *     process; an operator's override in {@code ferry.pipeline_rate_limits} takes its place
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
    Optional<TopicPattern> topicPattern,
    boolean autoCreate,
    boolean evolve,
    Optional<TableTemplate> tableTemplate,
    CdcSettings.UnknownFields unknownFields,
    RateLimit rateLimit) {

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

  /** A pipeline without a rate limit. */
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
      RecordFormat keyFormat,
      Optional<TopicPattern> topicPattern,
      boolean autoCreate,
      boolean evolve,
      Optional<TableTemplate> tableTemplate,
      CdcSettings.UnknownFields unknownFields) {
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
        topicPattern,
        autoCreate,
        evolve,
        tableTemplate,
        unknownFields,
        RateLimit.UNLIMITED);
  }

  /**
   * A pipeline over the listed {@code topics} into a fixed table, without a topic pattern, that
   * neither creates nor alters its tables and ignores unknown fields.
   */
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
        false,
        false,
        Optional.empty(),
        CdcSettings.UnknownFields.IGNORE);
  }

  /** The same pipeline subscribing by {@code pattern} instead of its listed topics. */
  public PipelineSettings withTopicPattern(TopicPattern pattern) {
    return new PipelineSettings(
        name,
        List.of(),
        schema,
        primary,
        tombstones,
        transform,
        transformOptions,
        targets,
        cdc,
        format,
        keyFormat,
        Optional.of(pattern),
        autoCreate,
        evolve,
        tableTemplate,
        unknownFields,
        rateLimit);
  }

  /** The same pipeline with {@code limit} as its configured rate limit. */
  public PipelineSettings withRateLimit(RateLimit limit) {
    return new PipelineSettings(
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
        topicPattern,
        autoCreate,
        evolve,
        tableTemplate,
        unknownFields,
        limit);
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
        + topicPattern.map(p -> ", topic-pattern=" + p).orElse(", topics=" + topics)
        + ", table="
        // auto-create's one-table template of a fixed table has no allow-list of its own to show
        + tableTemplate
            .filter(t -> TableTemplate.isTemplate(t.text()))
            .map(t -> t.text() + ", tables-allowed=" + t.allowed())
            .orElse(table().toString())
        + ", mode="
        + mode().name().toLowerCase(java.util.Locale.ROOT)
        + ", columns="
        + columns().keySet()
        + (keyColumns().isEmpty() ? "" : ", key-columns=" + keyColumns())
        + (primary.columnFormats().isEmpty() ? "" : ", column-formats=" + primary.columnFormats())
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
        + (autoCreate ? ", auto-create" : "")
        + (evolve ? ", evolve" : "")
        + (rateLimit.isUnlimited() ? "" : ", rate-limit=" + rateLimit.describe())
        + (targets.isEmpty()
            ? ""
            : ", targets=" + targets.stream().map(t -> t.table().toString()).toList())
        + "}";
  }
}
