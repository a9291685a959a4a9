package dev.ferry.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code pipelines} list: each pipeline's name, input topics, optional JSON Schema, its
 * table with mode, key columns and column map, tombstone handling, transform and further target
 * tables. Names are unique and no topic is listed by two pipelines; a pipeline lists its topics or
 * has a {@code topic-pattern} (see {@link TopicRouting} for which pipeline takes a topic).
 */
final class PipelineReader {
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern PIPELINE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** The table of a pipeline whose {@code table} is missing or invalid, so reading can go on. */
  private static final TableName UNKNOWN_TABLE = new TableName(Optional.empty(), "?");

  private PipelineReader() {}

  /** Whether {@code name} is a valid Kafka topic name. */
  static boolean isTopicName(String name) {
    return TOPIC.matcher(name).matches();
  }

  /** Reads {@code pipelines} from the top-level section {@code top}. */
  static List<PipelineSettings> readAll(Section top) {
    List<Section> sections = top.sections("pipelines");
    if (sections.isEmpty()) {
      top.problem("pipelines", "must list at least one pipeline");
    }
    List<PipelineSettings> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Map<String, String> topicOwners = new HashMap<>();
    for (Section s : sections) {
      TopicPatternReader.Read pattern = TopicPatternReader.read(s);
      PipelineSettings p = read(s, !pattern.set());
      if (pattern.pattern().isPresent()) {
        p = p.withTopicPattern(pattern.pattern().get());
      }
      p = p.withRateLimit(RateLimitReader.read(s));
      if (!p.name().isEmpty() && !names.add(p.name())) {
        s.problem(s.key("name"), "'" + p.name() + "' is used by another pipeline too");
      }
      for (String topic : p.topics()) {
        String owner = topicOwners.putIfAbsent(topic, p.name());
        if (owner != null) {
          s.problem(
              s.key("topics"), "topic '" + topic + "' is already consumed by pipeline " + owner);
        }
      }
      s.rejectUnknownKeys();
      out.add(p);
    }
    TopicPatternReader.checkTogether(sections, out);
    return out;
  }

  /**
   * @param listed whether the pipeline lists its {@code topics} (else it has a {@code
   *     topic-pattern})
   */
  private static PipelineSettings read(Section s, boolean listed) {
    String name = s.requiredString("name");
    if (!name.isEmpty() && !PIPELINE_NAME.matcher(name).matches()) {
      s.problem(s.key("name"), "may hold letters, digits, '_' and '-' only, was '" + name + "'");
    }
    List<String> topics = listed ? topics(s) : List.of();
    RecordFormat format = format(s, "format", RecordFormat.JSON);
    RecordFormat keyFormat = format(s, "key-format", RecordFormat.TEXT);
    Optional<CdcSettings> cdc = CdcReader.read(s);
    Optional<TableTemplate> template = TableRouting.template(s);
    TableName table = primaryTable(s, template);
    if (cdc.isPresent()) {
      boolean autoCreate = followsSchema(s, "auto-create", format != RecordFormat.PROTOBUF, format);
      TargetSettings primary = CdcReader.target(s, table);
      if (!moreTargets(s, table).isEmpty()) {
        s.problem(s.key("targets"), "is not allowed with envelope: debezium");
      }
      return new PipelineSettings(
          name,
          topics,
          Optional.empty(),
          primary,
          PipelineSettings.Tombstones.SKIP,
          Optional.empty(),
          s.stringMap("transform-options"),
          List.of(),
          cdc,
          format,
          keyFormat,
          Optional.empty(),
          autoCreate,
          followsSchema(s, "evolve", format != RecordFormat.PROTOBUF, format),
          creatable(template, table, autoCreate),
          cdc.get().unknownFields());
    }
    Optional<String> schema = schema(s);
    TargetSettings primary = target(s, table);
    CdcSettings.UnknownFields unknownFields = TableRouting.unknownFields(s, primary);
    PipelineSettings.Tombstones tombstones = tombstones(s);
    if (tombstones == PipelineSettings.Tombstones.DELETE && primary.keyColumns().isEmpty()) {
      s.problem(s.key("tombstones"), "delete needs key-columns: the columns the record key fills");
    }
    Optional<String> transform = s.optionalString("transform");
    Map<String, String> transformOptions = s.stringMap("transform-options");
    if (transform.isEmpty() && !transformOptions.isEmpty()) {
      s.problem(s.key("transform-options"), "is set but the pipeline names no transform");
    }
    List<TargetSettings> targets = moreTargets(s, table);
    if (!targets.isEmpty() && transform.isEmpty()) {
      s.problem(s.key("targets"), "needs a transform: only a transform writes rows to more tables");
    }
    boolean declared = schema.isPresent() || format == RecordFormat.AVRO;
    boolean autoCreate = followsSchema(s, "auto-create", declared, format);
    boolean evolve = followsSchema(s, "evolve", declared, format);
    transform.ifPresent(t -> checkTransformAlone(s, template.isPresent(), autoCreate, evolve));
    return new PipelineSettings(
        name,
        topics,
        schema,
        primary,
        tombstones,
        transform,
        transformOptions,
        targets,
        Optional.empty(),
        format,
        keyFormat,
        Optional.empty(),
        autoCreate,
        evolve,
        creatable(template, table, autoCreate && transform.isEmpty()),
        unknownFields);
  }

  /**
   * A transform names the tables it writes and gives rows of its own shape: no table template, no
   * tables that follow the declared schema.
   */
  private static void checkTransformAlone(
      Section s, boolean template, boolean autoCreate, boolean evolve) {
    if (autoCreate || evolve) {
      s.problem(
          s.key(autoCreate ? "auto-create" : "evolve"),
          "cannot be used with a transform: the tables follow the records' declared schema, and a"
              + " transform writes rows of its own shape");
    }
    if (template) {
      s.problem(
          s.key("transform"),
          "cannot be used with a table template: a transform names the tables it writes");
    }
  }

  /**
   * How records find their table: {@code template}; with {@code auto-create} and a fixed table, the
   * one-table template of it, so that the table is looked up per record and created when missing.
   */
  private static Optional<TableTemplate> creatable(
      Optional<TableTemplate> template, TableName table, boolean autoCreate) {
    if (template.isPresent() || !autoCreate || table == UNKNOWN_TABLE) {
      return template;
    }
    return Optional.of(TableTemplate.fixed(table));
  }

  /**
   * The boolean {@code key} ({@code auto-create} or {@code evolve}, default false), refused when on
   * without a schema the table can follow.
   *
   * @param declared whether the records declare their schema: a JSON Schema file, Avro from the
   *     registry, or a Debezium envelope (not Protobuf: not yet)
   */
  private static boolean followsSchema(
      Section s, String key, boolean declared, RecordFormat format) {
    boolean on = s.bool(key, false);
    if (on && !declared) {
      s.problem(
          s.key(key),
          format == RecordFormat.PROTOBUF
              ? "is not supported for format: protobuf yet (use a schema file, or format: avro)"
              : "needs a declared schema to follow: a schema file, format: avro, or envelope:"
                  + " debezium");
    }
    return on;
  }

  private static List<String> topics(Section s) {
    List<String> topics = s.stringList("topics");
    if (topics.isEmpty()) {
      s.problem(s.key("topics"), "must list at least one topic (or set topic-pattern)");
    }
    for (String topic : topics) {
      if (!isTopicName(topic)) {
        s.problem(s.key("topics"), "'" + topic + "' is not a valid topic name");
      }
    }
    return topics;
  }

  private static Optional<String> schema(Section s) {
    Optional<String> schema = s.optionalPath("schema").map(Path::toString);
    schema.ifPresent(
        file -> {
          if (!Files.isReadable(Path.of(file))) {
            s.problem(s.key("schema"), "file '" + file + "' does not exist or cannot be read");
          }
        });
    return schema;
  }

  /**
   * The pipeline's own table: the template's text when {@code table} is a template (a placeholder
   * that is never described), else the table named.
   */
  private static TableName primaryTable(Section s, Optional<TableTemplate> template) {
    if (template.isPresent()) {
      return new TableName(Optional.empty(), template.get().text());
    }
    if (TableTemplate.isTemplate(s.string("table", ""))) {
      return UNKNOWN_TABLE; // an invalid template: its problem is reported already
    }
    return table(s).orElse(UNKNOWN_TABLE);
  }

  /** The required {@code table} of {@code s}; empty, with a problem, when missing or invalid. */
  static Optional<TableName> table(Section s) {
    String text = s.requiredString("table");
    Optional<TableName> table = TableName.parse(text);
    if (!text.isEmpty() && table.isEmpty()) {
      s.problem(
          s.key("table"),
          "must be a table name or schema.table made of letters, digits and '_', was '"
              + text
              + "'");
    }
    return table;
  }

  /** The {@code targets} of a pipeline whose own table is {@code primary}: each table once. */
  private static List<TargetSettings> moreTargets(Section s, TableName primary) {
    List<TargetSettings> targets = new ArrayList<>();
    Set<TableName> tables = new HashSet<>(List.of(primary));
    for (Section t : s.sections("targets")) {
      Optional<TableName> table = table(t);
      TargetSettings target = target(t, table.orElse(UNKNOWN_TABLE));
      if (table.isPresent() && !tables.add(table.get())) {
        t.problem(t.key("table"), "'" + table.get() + "' is a target of this pipeline already");
      }
      t.rejectUnknownKeys();
      targets.add(target);
    }
    return targets;
  }

  /** A table's mode, key columns, column map, version column and column formats. */
  private static TargetSettings target(Section s, TableName table) {
    PipelineSettings.Mode mode = mode(s);
    Map<String, ColumnSource> columns = columns(s, false);
    boolean byName = TableRouting.columnsByName(s, columns);
    if (!byName && columns.isEmpty()) {
      s.problem(s.key("columns"), "must map at least one column to a JSON Pointer or @source");
    }
    List<String> keyColumns = s.stringList("key-columns");
    if (mode == PipelineSettings.Mode.UPSERT && keyColumns.isEmpty()) {
      s.problem(s.key("key-columns"), "is required when mode is upsert");
    }
    for (String key : keyColumns) {
      if (!byName && !columns.containsKey(key)) {
        s.problem(s.key("key-columns"), "'" + key + "' is not one of the mapped columns");
      }
    }
    Optional<String> version = s.optionalString("version-column").map(String::trim);
    version.ifPresent(
        v -> {
          if (mode != PipelineSettings.Mode.UPSERT) {
            s.problem(s.key("version-column"), "needs mode: upsert (it guards the update)");
          } else if (!byName && !columns.containsKey(v)) {
            s.problem(s.key("version-column"), "'" + v + "' is not one of the mapped columns");
          } else if (keyColumns.contains(v)) {
            s.problem(s.key("version-column"), "'" + v + "' is a key column");
          }
        });
    Map<String, ColumnFormat> formats = ColumnFormat.read(s);
    return new TargetSettings(table, mode, keyColumns, columns, byName, version, formats);
  }

  private static PipelineSettings.Mode mode(Section s) {
    String text = s.string("mode", "insert");
    try {
      return PipelineSettings.Mode.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      s.problem(s.key("mode"), "must be insert or upsert, was '" + text + "'");
      return PipelineSettings.Mode.INSERT;
    }
  }

  /** {@code format} (json, avro, protobuf) or {@code key-format} (text, avro, protobuf). */
  private static RecordFormat format(Section s, String name, RecordFormat fallback) {
    RecordFormat other = fallback == RecordFormat.JSON ? RecordFormat.TEXT : RecordFormat.JSON;
    String text = s.string(name, fallback.label());
    try {
      RecordFormat format = RecordFormat.valueOf(text.trim().toUpperCase(Locale.ROOT));
      if (format != other) {
        return format;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    s.problem(
        s.key(name), "must be " + fallback.label() + ", avro or protobuf, was '" + text + "'");
    return fallback;
  }

  private static PipelineSettings.Tombstones tombstones(Section s) {
    String text = s.string("tombstones", "skip");
    try {
      return PipelineSettings.Tombstones.valueOf(
          text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      s.problem(s.key("tombstones"), "must be skip, delete or dead-letter, was '" + text + "'");
      return PipelineSettings.Tombstones.SKIP;
    }
  }

  /**
   * The {@code columns} map of {@code s}.
   *
   * @param required whether it must map at least one column
   */
  static Map<String, ColumnSource> columns(Section s, boolean required) {
    Map<String, String> raw = s.stringMap("columns");
    if (required && raw.isEmpty()) {
      s.problem(s.key("columns"), "must map at least one column to a JSON Pointer or @source");
    }
    Map<String, ColumnSource> columns = new LinkedHashMap<>();
    raw.forEach(
        (column, source) -> {
          String key = s.key("columns." + column);
          if (!TableName.isIdentifier(column)) {
            s.problem(key, "is not a plain column name (letters, digits and '_')");
          }
          try {
            columns.put(column, ColumnSource.parse(source));
          } catch (IllegalArgumentException e) {
            s.problem(key, e.getMessage());
          }
        });
    return columns;
  }
}
